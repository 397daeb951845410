/**
 * The conversation engine's vocabulary. Channels translate platform events into InboundMessage and Reply back
 * into platform messages; skills see only these types.
 */
import type { ChannelId } from '../citizens/identity.js';
import type { CitizenFacts } from '../domain/knowledge/types.js';
import type { ParseResult } from '../nlu/types.js';
import type { ANSWER_KINDS, REPLY_SOURCE_KINDS } from '../storage/records.js';

export interface InboundMessage {
  channel: ChannelId;
  /** Channel-scoped user id: widget sessionId, Zalo user id. */
  userId: string;
  /** What the citizen typed (already NFC-normalised by the engine). */
  text?: string;
  /** Machine payload of a tapped quick reply. */
  payload?: string;
  /**
   * The channel's own id of this message when it may be handled again after a crash (Zalo's journal): the turn's key.
   * A message whose turn saved the session is answered again with that turn's replies (ConversationSession.lastTurn);
   * one whose turn did not runs again, and what that turn recorded for it was never delivered, so it is given again
   * (the privacy notice).
   */
  id?: string;
}

export interface QuickReply {
  title: string;
  payload: string;
}

export interface Link {
  title: string;
  url: string;
}

export interface Reply {
  text: string;
  quickReplies?: QuickReply[];
  links?: Link[];
  /** The reply asks a question: the citizen's next message is read as its answer first (see answer-reader.ts). */
  expects?: Expectation;
  /** The content the reply renders, for measuring and logs; channels never send it. */
  source?: ReplySource;
  /**
   * A message the service sent unasked (an officer's reply) that comes again with this turn because no instance
   * confirmed in time that a widget got it: the id it was pushed under, so a widget that did get it shows it once.
   */
  pushId?: string;
}

/**
 * What a reply answers with: a knowledge entry, the "Ý bạn là…" candidates offered, a referral to another office or
 * a topic card (content ids).
 */
export interface ReplySource {
  kind: (typeof REPLY_SOURCE_KINDS)[number];
  ids: readonly string[];
}

export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** What a question expects and which skill receives the answer. */
export interface Expectation {
  kind: AnswerKind;
  /** The skill (by name) whose `answer` gets the reading. */
  owner: string;
  /** The choices a typed answer may name; the reply's quick replies when not given. */
  options?: QuickReply[];
}

/** The shared reader's reading of a message as the answer to the pending question. */
export type Answer =
  | { kind: 'yes' | 'no' | 'unsure' }
  | { kind: 'count' | 'money'; value: number }
  | { kind: 'commune'; ids: string[]; typed: string }
  /** One of the question's options, as if its button had been tapped. */
  | { kind: 'option'; payload: string };

/** What a channel can render; the engine and skills may read it, never a channel's name. */
export interface ChannelCapabilities {
  maxTextLength: number;
  /** Quick replies render as buttons; otherwise the channel shows a numbered menu. */
  quickReplyButtons: boolean;
  maxQuickReplies: number;
  /** Whether the service may push a message at any time (widget live) or only under rules (Zalo window). */
  proactive: 'live' | 'windowed';
}

/** An active multi-turn flow (screening, subscription…), owned by one skill. State is the skill's own JSON. */
export interface FlowState {
  skill: string;
  step: string;
  data: Record<string, unknown>;
  /** Previous steps, so "quay lại" can return to them. */
  history?: { step: string; data: Record<string, unknown> }[];
  /**
   * The schema stamp of the data, where the skill writes one (src/schema-stamp.ts): a flow carrying the stamp its
   * skill has now is read as written, wherever the session was kept; any other is validated.
   */
  stamp?: string;
}

/** Soft state: in memory, snapshotted every few seconds, expires after the idle period. */
export interface ConversationSession {
  key: string;
  channel: ChannelId;
  userId: string;
  flow: FlowState | null;
  /** The quick replies last shown, so "1", "2"… typed on Zalo map to them. */
  lastQuickReplies: QuickReply[];
  /** The quick replies paged behind the last reply's "Khác" (src/engine/quick-reply-pages.ts); absent when none. */
  hiddenQuickReplies?: QuickReply[];
  /** The question the bot is waiting for an answer to (null when none); replaced or cleared on every turn. */
  pending?: Expectation | null;
  lastIntent: string | null;
  /**
   * The last turn, when its message had an id (InboundMessage.id): the same message again gets this turn's replies
   * instead of a turn read in the context of its own answer (a flow's next question, a follow-up).
   */
  lastTurn?: { id: string; intent: string | null; replies: Reply[] };
  /** What the citizen said of themselves and the last entry answered; soft state with the session's lifetime. */
  context?: ConversationContext;
  /** What the database showed the last turns (with Redis only; see TurnKnowledge in session-store.ts). */
  known?: SessionKnown;
  startedAt: string;
  /** As of the last snapshot (or creation): the session store keeps the live value, see SessionStore.touch. */
  lastActiveAt: string;
}

export interface SessionKnown {
  noHandoffAtMark?: string;
  citizen?: { lastInteractionAt: string; commune: string | null };
}

export interface ConversationContext {
  facts: CitizenFacts;
  /** The knowledge entry last answered, so "còn hộ cận nghèo thì sao" can re-answer it for another case. */
  lastEntryId?: string;
  /** The topic whose card was last answered (then no entry was): a follow-up stays in that topic. */
  lastCardTopic?: string;
  /** The citizen's last question answered (or not understood): what "gặp cán bộ" offers to hand to staff. */
  lastQuestion?: string;
  /** Knowledge answers since "did it help?" was last asked (the handoff skill asks every few answers). */
  answersSinceHelpAsked?: number;
  /**
   * The answers of the last self-assessment given a result (the skill's flow data and its schema stamp), so that a
   * correction said after the result ("à nhầm, nhà 5 người") works it out again instead of starting over.
   */
  lastScreening?: { data: Record<string, unknown>; stamp?: string };
}

export interface TurnContext {
  message: InboundMessage;
  /** NFC, trimmed; empty when only a payload arrived. */
  text: string;
  session: ConversationSession;
  now: Date;
  /** YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  today: string;
  capabilities: ChannelCapabilities;
  /** The matcher's reading of `text` (computed once per turn). */
  nlu(): ParseResult;
  /** The pending question's answer read from this message, or null (no question, or no answer in it). */
  answer: Answer | null;
}

export interface SkillResult {
  replies: Reply[];
  /** Undefined leaves the session's flow as it was; null ends it; a value starts/continues it. */
  flow?: FlowState | null;
  /** A re-ask: the message held no answer to the pending question. */
  unanswered?: boolean;
}

export type Claim = { intent: string; result: SkillResult } | { intent: string; result?: undefined };

export interface Skill {
  name: string;
  /** Intents this skill answers (from the matcher or an `intent:<name>` payload). */
  intents: readonly string[];
  handleIntent(ctx: TurnContext, intent: string): Promise<SkillResult> | SkillResult;
  /** Called while this skill owns the active flow; return null when the message is not an answer to the flow. */
  continueFlow?(ctx: TurnContext, flow: FlowState): Promise<SkillResult | null> | SkillResult | null;
  /** A tapped quick reply whose payload starts with `${name}:` (outside this skill's flow). */
  handlePayload?(ctx: TurnContext, payload: string): Promise<SkillResult | null> | SkillResult | null;
  /**
   * A typed message no flow took, before the classifier's intent is answered: the skill may answer it itself (with
   * the intent it counts as), or name the intent that should, or leave it (null).
   */
  claim?(ctx: TurnContext): Promise<Claim | null> | Claim | null;
  /**
   * A typed message while this skill's question is pending: `ctx.answer` holds the shared reader's reading (null when
   * none was found); the skill adds its own domain words. Return null, or a re-ask marked `unanswered` (which the
   * engine drops for a message that clearly is a new question), to let the message be dispatched as a new one.
   */
  answer?(ctx: TurnContext, question: Expectation): Promise<SkillResult | null> | SkillResult | null;
  /** "quay lại" inside this skill's flow. */
  back?(ctx: TurnContext, flow: FlowState): Promise<SkillResult> | SkillResult;
  /** Re-ask the current question of the flow (after an interruption or "làm lại"). */
  resume?(ctx: TurnContext, flow: FlowState): Promise<SkillResult> | SkillResult;
}
