/**
 * The conversation engine's vocabulary. Channels translate platform events into InboundMessage and Reply back
 * into platform messages; skills see only these types.
 */
import type { ChannelId } from '../citizens/identity.js';
import type { CitizenFacts } from '../domain/knowledge/types.js';
import type { ParseResult } from '../nlu/types.js';

export interface InboundMessage {
  channel: ChannelId;
  /** Channel-scoped user id: widget sessionId, Zalo user id. */
  userId: string;
  /** What the citizen typed (already NFC-normalised by the engine). */
  text?: string;
  /** Machine payload of a tapped quick reply. */
  payload?: string;
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
}

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
}

/** Soft state: in memory, snapshotted every few seconds, expires after the idle period. */
export interface ConversationSession {
  key: string;
  channel: ChannelId;
  userId: string;
  flow: FlowState | null;
  /** The quick replies last shown, so "1", "2"… typed on Zalo map to them. */
  lastQuickReplies: QuickReply[];
  lastIntent: string | null;
  /** What the citizen said of themselves and the last entry answered; soft state with the session's lifetime. */
  context?: ConversationContext;
  startedAt: string;
  /** As of the last snapshot (or creation): the session store keeps the live value, see SessionStore.touch. */
  lastActiveAt: string;
}

export interface ConversationContext {
  facts: CitizenFacts;
  /** The knowledge entry last answered, so "còn hộ cận nghèo thì sao" can re-answer it for another case. */
  lastEntryId?: string;
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
}

export interface SkillResult {
  replies: Reply[];
  /** Undefined leaves the session's flow as it was; null ends it; a value starts/continues it. */
  flow?: FlowState | null;
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
  /** "quay lại" inside this skill's flow. */
  back?(ctx: TurnContext, flow: FlowState): Promise<SkillResult> | SkillResult;
  /** Re-ask the current question of the flow (after an interruption or "làm lại"). */
  resume?(ctx: TurnContext, flow: FlowState): Promise<SkillResult> | SkillResult;
}
