import { type ChannelId, citizenKey } from '../citizens/identity.js';
import { type Clock, provinceToday } from '../clock.js';
import { Memo } from '../memo.js';
import { isQuestion } from '../nlu/question-focus.js';
import type { ParseResult, Parser } from '../nlu/types.js';
import { CONTROL_PAYLOAD_PREFIX, type ControlWord, controlPayload, INTENT_PAYLOAD_PREFIX, payloadOwner } from '../payloads.js';
import { fold } from '../text/fold.js';
import { readAnswer } from './answer-reader.js';
import { controlWordOf, ownedConversationWordOf } from './control-words.js';
import { KeyedQueue } from './keyed-queue.js';
import { botAnswers, type Owner } from './ownership.js';
import type { SessionStore, TurnKnowledge } from './session-store.js';
import type {
  ChannelCapabilities,
  ConversationSession,
  InboundMessage,
  Reply,
  Skill,
  SkillResult,
  TurnContext,
} from './types.js';


/** Replies added before (or after) the turn's own answer: privacy notice on first contact, pending announcements… */
export interface TurnHook {
  before?(ctx: TurnContext): Promise<Reply[]> | Reply[];
  /**
   * For a `before` that needs reads from storage: started with the turn's own reads (the session, the conversation's
   * owner), so that with a shared store all of them share one wait; resolves to the `before` to run (instead of
   * `before`). It only reads: a relayed turn runs no hook.
   */
  prepare?(message: InboundMessage, known?: TurnKnowledge): Promise<(ctx: TurnContext) => Promise<Reply[]> | Reply[]>;
  after?(ctx: TurnContext, outcome: { intent: string | null; replies: Reply[] }): Promise<void> | void;
}

type Prepared = ((ctx: TurnContext) => Promise<Reply[]> | Reply[]) | undefined;

/**
 * The conversations handed to a person (see ownership.ts). While one is waiting for an officer or owned by one, the
 * engine keeps the bot silent: the citizen's messages are relayed, except asking for the bot back and data requests.
 */
export interface OwnershipGate {
  /** The owner of the citizen's conversation now (read from storage on every turn: any instance may have changed it). */
  ownerOf(citizenKey: string, known?: TurnKnowledge): Promise<Owner>;
  /** A citizen's message while a person owns the conversation: returns what is due to the citizen (held replies). */
  relay(ctx: TurnContext): Promise<Reply[]>;
  /** The citizen asked for the bot back: returns what to tell them. */
  release(ctx: TurnContext): Promise<Reply[]>;
}

export interface EngineOptions {
  parser: Parser;
  skills: Skill[];
  sessions: SessionStore;
  clock: Clock;
  capabilities: Record<ChannelId, ChannelCapabilities>;
  hooks?: TurnHook[];
  /** Conversations handed to staff; without it the bot answers every message. */
  ownership?: OwnershipGate | null;
  /** Intent used when nothing else applies, and for "menu". */
  fallbackIntent?: string;
  menuIntent?: string;
}

/** The skill that answers data requests, which reach it even while a person owns the conversation. */
const PRIVACY_SKILL = 'privacy';
/** From this confidence on, a message in which the pending question's owner found no answer is taken by its intent. */
const OTHER_INTENT_CONFIDENCE = 0.6;
const RESUME_BUTTON = { title: 'Tiếp tục', payload: controlPayload('resume') };
/** Longer than any button title (Zalo cuts them at 20 characters): such a message is not a typed button. */
const MAX_TITLE_LENGTH = 40;
/** Button titles come from content and a few skills: each is folded once, not on every turn. */
const FOLDED_TITLES = new Memo<string>(4096);

/**
 * The conversation engine: one message in, replies out, in order per citizen. Dispatch order: control words
 * (menu, hủy, làm lại, quay lại, tiếp tục) → the answer to the pending question → the active flow → a tapped
 * button's skill → a skill that claims the message (the knowledge base) → the matched intent → fallback.
 */
export class ConversationEngine {
  readonly #queue = new KeyedQueue();
  readonly #skillsByName = new Map<string, Skill>();
  readonly #skillsByIntent = new Map<string, Skill>();
  /** Skills that may answer a typed message before the classifier's intent is (the knowledge base). */
  readonly #claimants: Skill[];
  readonly #options: Required<EngineOptions>;

  constructor(options: EngineOptions) {
    this.#options = { hooks: [], ownership: null, fallbackIntent: 'fallback', menuIntent: 'help', ...options };
    this.#claimants = options.skills.filter((s) => s.claim);
    for (const skill of options.skills) {
      this.#skillsByName.set(skill.name, skill);
      for (const intent of skill.intents) {
        if (this.#skillsByIntent.has(intent)) throw new Error(`Two skills answer intent "${intent}"`);
        this.#skillsByIntent.set(intent, skill);
      }
    }
    for (const intent of [this.#options.fallbackIntent, this.#options.menuIntent]) {
      if (!this.#skillsByIntent.has(intent)) throw new Error(`No skill answers the "${intent}" intent`);
    }
  }

  get sessions(): SessionStore {
    return this.#options.sessions;
  }

  /** Handles one message; messages of the same citizen are handled one after another. */
  async handle(message: InboundMessage): Promise<Reply[]> {
    return (await this.turn(message)).replies;
  }

  /** As `handle`, with the intent the turn was answered as (null for control words and flow answers). */
  turn(message: InboundMessage): Promise<{ intent: string | null; replies: Reply[] }> {
    return this.#queue.run(citizenKey(message.channel, message.userId), () => this.#turn(message));
  }

  /** Resolves once no message is being handled (shutdown). */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #turn(message: InboundMessage): Promise<{ intent: string | null; replies: Reply[] }> {
    const { sessions, clock, parser, ownership: gate, hooks } = this.#options;
    const key = citizenKey(message.channel, message.userId);
    const { owner, prepared } = await this.#reads(message, key);
    const session = sessions.get(message.channel, message.userId);
    // The same message again: its channel lost the replies (a crash after this session was saved). It gets them
    // again; run again, it would be read in the context of its own answer, and counted twice.
    const done = session.lastTurn;
    if (message.id !== undefined && done?.id === message.id) return { intent: done.intent, replies: done.replies };
    const text = (message.text ?? '').normalize('NFC').trim();
    const payload = message.payload ?? this.#chosenQuickReply(session, text);
    let parsed: ParseResult | undefined;
    const nlu = () => {
      parsed ??= parser.parse(text);
      return parsed;
    };
    const now = clock.now();
    const pending = session.pending ?? null;
    const ctx: TurnContext = {
      message: { ...message, text, payload },
      text,
      session,
      now,
      today: provinceToday(clock),
      capabilities: this.#options.capabilities[message.channel],
      nlu,
      answer: pending && text && !payload ? readAnswer(pending, text, nlu) : null,
    };

    if (gate && !botAnswers(owner) && !this.#reachesBot(ctx, payload)) {
      const word = payload === controlPayload('cancel') ? 'release' : payload ? null : ownedConversationWordOf(text);
      const replies = word === 'release' ? await gate.release(ctx) : await gate.relay(ctx);
      session.lastQuickReplies = replies.at(-1)?.quickReplies ?? [];
      session.pending = null;
      this.#remember(session, message, null, replies);
      sessions.touch(session);
      await sessions.publish(session);
      return { intent: null, replies };
    }

    const before: Reply[] = [];
    for (const [i, hook] of hooks.entries()) {
      const prepare = prepared[i];
      if (prepare) before.push(...(await prepare(ctx)));
      else if (hook.before) before.push(...(await hook.before(ctx)));
    }
    const { intent, result } = await this.#dispatch(ctx, payload);
    if (result.flow !== undefined) session.flow = result.flow;
    const replies = [...before, ...result.replies];
    const last = replies.at(-1);
    session.lastQuickReplies = last?.quickReplies ?? [];
    session.pending = last?.expects
      ? { ...last.expects, options: last.expects.options ?? session.lastQuickReplies }
      : // An interruption answered in the middle of a flow leaves its question open, except a confirmation: a "có"
        // after another answer may mean anything, and nothing is deleted on a guess ("Tiếp tục" asks it again).
        pending && pending.kind !== 'confirm' && session.flow?.skill === pending.owner
        ? pending
        : null;
    if (intent) session.lastIntent = intent;
    sessions.touch(session);
    for (const hook of hooks) if (hook.after) await hook.after(ctx, { intent, replies });
    // After the hooks: they change the session and the replies too (the question kept for a handoff, the buttons as
    // paged).
    this.#remember(session, message, intent, replies);
    await sessions.publish(session);
    return { intent, replies };
  }

  /** Keeps the turn's replies with the session for a message with an id, saved with it (see `lastTurn`). */
  #remember(session: ConversationSession, message: InboundMessage, intent: string | null, replies: Reply[]): void {
    if (message.id === undefined) delete session.lastTurn;
    else session.lastTurn = { id: message.id, intent, replies };
  }

  /** The turn's reads: the session, who owns the conversation, what the hooks need. */
  async #reads(message: InboundMessage, key: string): Promise<{ owner: Owner; prepared: Prepared[] }> {
    const { sessions, ownership: gate, hooks } = this.#options;
    if (!sessions.keepsKnowledge) {
      // Independent: at once, in one wait.
      const [, owner, ...prepared] = await Promise.all([
        sessions.refresh(key),
        gate ? gate.ownerOf(key) : ('bot' as Owner),
        ...hooks.map((hook) => hook.prepare?.(message)),
      ]);
      return { owner, prepared };
    }
    // The session first: what it knows of the database may spare the other reads (most turns: all of them).
    await sessions.refresh(key);
    const known = sessions.knowledge(sessions.get(message.channel, message.userId));
    const [owner, ...prepared] = await Promise.all([
      gate ? gate.ownerOf(key, known) : ('bot' as Owner),
      ...hooks.map((hook) => hook.prepare?.(message, known)),
    ]);
    return { owner, prepared };
  }

  /**
   * While a person owns the conversation, the bot still takes the citizen's data requests ("xóa dữ liệu", "xem dữ
   * liệu") and their follow-ups (the confirmation's answer, the privacy skill's buttons); nothing else.
   */
  #reachesBot(ctx: TurnContext, payload: string | undefined): boolean {
    if (payload) return payloadOwner(payload) === PRIVACY_SKILL;
    if (ctx.session.pending?.owner === PRIVACY_SKILL && ctx.answer) return true;
    return ownedConversationWordOf(ctx.text) === 'privacy';
  }

  /**
   * On channels without buttons the citizen answers a menu with its number; Zalo's query buttons send the payload
   * back as text; and many type the button's words instead of tapping it ("dong y" for "Đồng ý"). Either way the
   * turn continues as if the quick reply had been tapped.
   */
  #chosenQuickReply(session: ConversationSession, text: string): string | undefined {
    const buttons = session.lastQuickReplies;
    if (buttons.length === 0) return undefined;
    const match = /^(\d{1,2})\s*[.)]?$/.exec(text);
    if (match) return buttons[Number(match[1]) - 1]?.payload;
    const byPayload = buttons.find((q) => q.payload === text);
    if (byPayload || text.length > MAX_TITLE_LENGTH) return byPayload?.payload;
    const typed = fold(text);
    return typed ? buttons.find((q) => FOLDED_TITLES.get(q.title, fold) === typed)?.payload : undefined;
  }

  async #dispatch(
    ctx: TurnContext,
    payload: string | undefined,
  ): Promise<{ intent: string | null; result: SkillResult }> {
    const flow = ctx.session.flow;
    const flowSkill = flow ? this.#skillsByName.get(flow.skill) : undefined;

    const control = payload?.startsWith(CONTROL_PAYLOAD_PREFIX)
      ? (payload.slice(CONTROL_PAYLOAD_PREFIX.length) as ControlWord)
      : payload
        ? null
        : controlWordOf(ctx.text);
    if (control) return { intent: null, result: await this.#control(ctx, control) };

    if (payload?.startsWith(INTENT_PAYLOAD_PREFIX)) {
      return this.#answerIntent(ctx, payload.slice(INTENT_PAYLOAD_PREFIX.length));
    }
    const pending = ctx.session.pending;
    const typedAnswer = pending && !payload && ctx.text;
    if (typedAnswer) {
      const owner = this.#skillsByName.get(pending.owner);
      const result = await owner?.answer?.(ctx, pending);
      if (result && !(result.unanswered && this.#isNewMessage(ctx))) return { intent: null, result };
    } else if (flow && flowSkill?.continueFlow) {
      const result = await flowSkill.continueFlow(ctx, flow);
      if (result) return { intent: null, result };
    }
    const owner = payload ? this.#skillsByName.get(payloadOwner(payload)) : undefined;
    if (payload && owner?.handlePayload) {
      const result = await owner.handlePayload(ctx, payload);
      if (result) return { intent: null, result };
    }
    if (!ctx.text) return this.#answerIntent(ctx, this.#options.menuIntent);
    if (!payload) {
      for (const skill of this.#claimants) {
        const claim = await skill.claim!(ctx);
        if (!claim) continue;
        if (!claim.result) return this.#answerIntent(ctx, claim.intent);
        if (flow && claim.result.flow === undefined && flow.skill !== skill.name) this.#offerResume(claim.result);
        return { intent: claim.intent, result: claim.result };
      }
    }
    return this.#answerIntent(ctx, ctx.nlu().intent.name);
  }

  async #answerIntent(ctx: TurnContext, intent: string): Promise<{ intent: string; result: SkillResult }> {
    const skill = this.#skillsByIntent.get(intent) ?? this.#skillsByIntent.get(this.#options.fallbackIntent)!;
    const known = this.#skillsByIntent.has(intent) ? intent : this.#options.fallbackIntent;
    const result = await skill.handleIntent(ctx, known);
    // An unrelated question in the middle of a flow: answer it and offer to go on where the citizen was.
    const flow = ctx.session.flow;
    if (flow && result.flow === undefined && flow.skill !== skill.name) this.#offerResume(result);
    return { intent: known, result };
  }

  /**
   * A message the question's owner found no answer in is a new one when it asks a question of its own or the
   * classifier is sure of its intent ("xem thông báo" while a commune is asked): answered as such, the flow kept.
   */
  #isNewMessage(ctx: TurnContext): boolean {
    if (isQuestion(ctx.text)) return true;
    const { name, confidence } = ctx.nlu().intent;
    return name !== this.#options.fallbackIntent && confidence >= OTHER_INTENT_CONFIDENCE;
  }

  #offerResume(result: SkillResult): void {
    const last = result.replies.at(-1);
    if (!last) return;
    const quickReplies = (last.quickReplies ?? []).filter((q) => q.payload !== RESUME_BUTTON.payload);
    last.quickReplies = [RESUME_BUTTON, ...quickReplies];
  }

  async #control(ctx: TurnContext, word: ControlWord): Promise<SkillResult> {
    const flow = ctx.session.flow;
    const skill = flow ? this.#skillsByName.get(flow.skill) : undefined;
    switch (word) {
      case 'cancel':
        if (flow) {
          const menu = await this.#menu(ctx);
          return { flow: null, replies: [{ text: 'Đã hủy. Bạn có thể chọn việc khác bên dưới.' }, ...menu.replies] };
        }
        return this.#menu(ctx);
      case 'restart':
        if (skill?.intents[0]) return { ...(await skill.handleIntent(ctx, skill.intents[0])) };
        return this.#menu(ctx);
      case 'back':
        if (flow && skill?.back) return skill.back(ctx, flow);
        return this.#menu(ctx);
      case 'resume':
        if (flow && skill?.resume) return skill.resume(ctx, flow);
        return this.#menu(ctx);
      default: {
        const menu = await this.#menu(ctx);
        if (flow) this.#offerResume(menu);
        return menu;
      }
    }
  }

  async #menu(ctx: TurnContext): Promise<SkillResult> {
    const skill = this.#skillsByIntent.get(this.#options.menuIntent)!;
    const result = await skill.handleIntent(ctx, this.#options.menuIntent);
    return { replies: result.replies };
  }
}
