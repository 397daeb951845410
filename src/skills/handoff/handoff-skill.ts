import { citizenKey } from '../../citizens/identity.js';
import type { CitizenRegistry } from '../../citizens/registry.js';
import { communeLabel } from '../../domain/commune-label.js';
import type { Commune, CommuneDirectory } from '../../domain/communes.js';
import type { TurnHook } from '../../engine/engine.js';
import type { Expectation, QuickReply, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
import type { HandoffService } from '../../handoff/handoff-service.js';
import { controlPayload } from '../../payloads.js';
import { fold } from '../../text/fold.js';

export const HANDOFF_SKILL = 'handoff';
export const HANDOFF_INTENT = 'human_handoff';

const P = {
  yes: `${HANDOFF_SKILL}:yes`,
  no: `${HANDOFF_SKILL}:no`,
  helped: `${HANDOFF_SKILL}:helped`,
  notHelped: `${HANDOFF_SKILL}:not-helped`,
  commune: (id: string) => `${HANDOFF_SKILL}:commune:${id}`,
};
const YES_NO: Expectation = { kind: 'yes_no', owner: HANDOFF_SKILL };
const COMMUNE: Expectation = { kind: 'commune', owner: HANDOFF_SKILL };
/** "Câu trả lời có giúp được bạn không?" at most once in this many answers. */
export const HELPFUL_EVERY = 3;
/**
 * Not after a longer answer: Zalo packs a turn into at most two messages, and the question with its menu would push
 * the answer's message past a phone screen (1,000 characters).
 */
const MAX_ANSWER_FOR_QUESTION = 700;
/** Longest question quoted back to the citizen in the consent question. */
const QUOTE_LENGTH = 160;
/** "gặp cán bộ", "cho tôi nói chuyện với người", "muốn hỏi cán bộ xã Thanh Hà" (folded, from the message's start). */
const REQUEST =
  /^(toi |em |minh |cho toi |cho em |cho minh |xin )?(muon |can |xin |duoc )?(gap|noi chuyen voi|hoi|ket noi voi|chat voi|lien he voi|lien he)( truc tiep)?( voi)? (can bo|nguoi that|nguoi|nhan vien|tu van vien)\b/;
/** A request is short; a longer message naming an officer is a story or a complaint, for the knowledge base. */
const REQUEST_WORDS = 12;
/** From this confidence on the classifier's "human_handoff" is taken before the knowledge base's answer. */
const REQUEST_CONFIDENCE = 0.6;
const CANCEL_BUTTON: QuickReply = { title: 'Hủy yêu cầu', payload: controlPayload('cancel') };

export interface HandoffSkillOptions {
  handoffs: HandoffService;
  registry: CitizenRegistry;
  communes: CommuneDirectory;
  /** Intents whose answer is a knowledge or topic answer (after which "did it help?" may be asked). */
  answerIntents: readonly string[];
  /** Where to meet an officer in person: said when the citizen declines the handoff. */
  inPerson: Reply;
  fallbackIntent?: string;
}

interface HandoffFlowData {
  /** The question handed over: the citizen's last question before asking for staff, and this request. */
  transcript: { from: 'citizen' | 'bot'; text: string }[];
  commune?: string;
  /** The intent of the question handed over (programme statistics). */
  topic?: string;
}

/**
 * The citizen's side of a handoff: "gặp cán bộ" (or "Không" to "did it help?", or the button after a complaint or a
 * fallback) → the bot says what will be shared and asks consent → the commune (subscription, named, or asked) →
 * the handoff waits for an officer, with the expected wait from the office hours. The hook asks "did it help?" now
 * and then after an answer and remembers the last question, so it can be the one handed over.
 */
export function createHandoffSkill(options: HandoffSkillOptions): { skill: Skill; hook: TurnHook } {
  const { handoffs, registry, communes } = options;
  const answerIntents = new Set(options.answerIntents);
  const fallbackIntent = options.fallbackIntent ?? 'fallback';

  const flow = (data: HandoffFlowData, step: string) => ({ skill: HANDOFF_SKILL, step, data: { ...data } });

  const offer = (ctx: TurnContext, includeRequest: boolean): SkillResult => {
    const last = ctx.session.context?.lastQuestion;
    const transcript: HandoffFlowData['transcript'] = [];
    if (last) transcript.push({ from: 'citizen', text: last });
    if (includeRequest && ctx.text && ctx.text !== last) transcript.push({ from: 'citizen', text: ctx.text });
    const quoted = transcript.find((m) => m.from === 'citizen')?.text;
    const what = quoted
      ? `câu hỏi “${quoted.length > QUOTE_LENGTH ? `${quoted.slice(0, QUOTE_LENGTH)}…` : quoted}” và các tin nhắn bạn gửi từ bây giờ`
      : 'các tin nhắn bạn gửi từ bây giờ';
    const named = communeNamed(ctx);
    const topic = last && ctx.session.lastIntent !== HANDOFF_INTENT ? ctx.session.lastIntent : null;
    return {
      replies: [
        {
          text:
            `Tôi có thể chuyển cho cán bộ phụ trách giảm nghèo của xã/phường bạn: ${what}. ` +
            'Cán bộ trả lời ngay trong cuộc trò chuyện này; không chia sẻ gì khác. Bạn đồng ý chứ?',
          quickReplies: [
            { title: 'Đồng ý', payload: P.yes },
            { title: 'Không', payload: P.no },
          ],
          expects: YES_NO,
        },
      ],
      flow: flow({ transcript, ...(named ? { commune: named } : {}), ...(topic ? { topic } : {}) }, 'consent'),
    };
  };

  const communeNamed = (ctx: TurnContext): string | undefined => {
    if (!ctx.text) return undefined;
    const entity = ctx.nlu().entities.find((e) => e.entity === 'commune');
    return entity && !entity.alternatives?.length ? String(entity.value) : undefined;
  };

  const askCommune = (data: HandoffFlowData, notFound?: string): SkillResult => ({
    replies: [
      {
        text: `${notFound ? `Chưa tìm thấy xã/phường "${notFound}". ` : ''}Bạn ở xã/phường nào? Hãy nhắn tên xã/phường (tên mới hoặc tên cũ), ví dụ: Thanh Hà.`,
        expects: COMMUNE,
      },
    ],
    flow: flow(data, 'commune'),
  });

  const consented = async (ctx: TurnContext, data: HandoffFlowData): Promise<SkillResult> => {
    const commune = data.commune ?? (await registry.get(citizenKey(ctx.message.channel, ctx.message.userId)))?.commune ?? undefined;
    if (!commune || !communes.byId(commune)) return askCommune(data);
    return handOver(ctx, data, communes.byId(commune)!);
  };

  const handOver = async (ctx: TurnContext, data: HandoffFlowData, commune: Commune): Promise<SkillResult> => {
    await handoffs.request({ channel: ctx.message.channel, userId: ctx.message.userId, commune: commune.id, topic: data.topic ?? null, transcript: data.transcript });
    const { open, next } = handoffs.availability(ctx.now);
    const label = communeLabel(commune);
    const wait = open
      ? 'Cán bộ đang trong giờ làm việc và sẽ trả lời ngay khi có thể, thường trong buổi làm việc này.'
      : `Hiện ngoài giờ làm việc; cán bộ sẽ trả lời từ ${next ?? 'ngày làm việc tiếp theo'}.`;
    return {
      replies: [
        {
          text:
            `Đã chuyển cho cán bộ ${label}. ${wait} Bạn cứ nhắn thêm ở đây, cán bộ sẽ đọc được; trong lúc này trợ lý tự động tạm dừng trả lời. ` +
            'Nhắn "hủy" để quay lại trợ lý.',
          quickReplies: [CANCEL_BUTTON],
        },
      ],
      flow: null,
    };
  };

  const declined: SkillResult = {
    replies: [{ text: 'Vâng, tôi không chuyển. Bạn cứ hỏi tiếp, hoặc nhắn "gặp cán bộ" khi cần.' }, options.inPerson],
    flow: null,
  };

  const dataOf = (ctx: TurnContext): HandoffFlowData => {
    const data = ctx.session.flow?.skill === HANDOFF_SKILL ? ctx.session.flow.data : {};
    return {
      transcript: Array.isArray(data.transcript) ? (data.transcript as HandoffFlowData['transcript']) : [],
      ...(typeof data.commune === 'string' ? { commune: data.commune } : {}),
      ...(typeof data.topic === 'string' ? { topic: data.topic } : {}),
    };
  };

  const choose = async (ctx: TurnContext, data: HandoffFlowData, ids: string[], typed: string): Promise<SkillResult> => {
    const found = [...new Set(ids)].map((id) => communes.byId(id)).filter((c): c is Commune => c !== undefined);
    if (found.length === 1) return handOver(ctx, data, found[0]!);
    if (found.length === 0) return { ...askCommune(data, typed), unanswered: true };
    return {
      replies: [
        {
          text: `"${typed}" nay thuộc nhiều xã/phường khác nhau. Bạn ở xã/phường nào?`,
          quickReplies: found.slice(0, 4).map((c) => ({ title: communeLabel(c), payload: P.commune(c.id) })),
          expects: COMMUNE,
        },
      ],
      flow: flow(data, 'commune'),
    };
  };

  const skill: Skill = {
    name: HANDOFF_SKILL,
    intents: [HANDOFF_INTENT],

    handleIntent: (ctx) => offer(ctx, !ctx.message.payload),

    /** Asking for a person is answered by the offer, before the knowledge base explains how to ask for one. */
    claim(ctx) {
      const folded = fold(ctx.text);
      const { name, confidence } = ctx.nlu().intent;
      const asks = (REQUEST.test(folded) && folded.split(' ').length <= REQUEST_WORDS) || (name === HANDOFF_INTENT && confidence >= REQUEST_CONFIDENCE);
      return asks ? { intent: HANDOFF_INTENT, result: offer(ctx, true) } : null;
    },

    async handlePayload(ctx, payload) {
      if (payload === P.yes) return consented(ctx, dataOf(ctx));
      if (payload === P.no) return declined;
      if (payload === P.helped) return { replies: [{ text: 'Cảm ơn bạn! Bạn cần hỏi gì thêm cứ nhắn nhé.' }] };
      if (payload === P.notHelped) return offer(ctx, false);
      const commune = payload.startsWith(P.commune('')) ? communes.byId(payload.slice(P.commune('').length)) : undefined;
      return commune ? handOver(ctx, dataOf(ctx), commune) : null;
    },

    async answer(ctx, question) {
      const step = ctx.session.flow?.skill === HANDOFF_SKILL ? ctx.session.flow.step : 'helpful';
      if (question.kind === 'commune') {
        const answer = ctx.answer;
        if (answer?.kind === 'commune') return choose(ctx, dataOf(ctx), answer.ids, answer.typed);
        return choose(ctx, dataOf(ctx), communes.search(ctx.text).map((m) => m.commune.id), ctx.text);
      }
      if (ctx.answer?.kind !== 'yes' && ctx.answer?.kind !== 'no') return null;
      if (step === 'consent') return ctx.answer.kind === 'yes' ? consented(ctx, dataOf(ctx)) : declined;
      // "Câu trả lời có giúp được bạn không?"
      return skill.handlePayload!(ctx, ctx.answer.kind === 'yes' ? P.helped : P.notHelped);
    },
  };

  /**
   * The knowledge entry answered before each turn in progress, by session key (a citizen's turns run one at a time;
   * shared sessions give each turn a fresh copy of the session): an entry answered in the turn is one "did it help?"
   * may follow. A turn that fails before its end leaves its entry to the citizen's next turn, which replaces it.
   */
  const entryBefore = new Map<string, string | undefined>();
  const hook: TurnHook = {
    before(ctx) {
      entryBefore.set(ctx.session.key, ctx.session.context?.lastEntryId);
      return [];
    },
    after(ctx, { intent, replies }) {
      const previousEntry = entryBefore.get(ctx.session.key);
      entryBefore.delete(ctx.session.key);
      if (!intent || !ctx.text) return;
      const answered = answerIntents.has(intent);
      if (answered || intent === fallbackIntent) {
        ctx.session.context ??= { facts: {} };
        ctx.session.context.lastQuestion = ctx.text;
      }
      // Only after a knowledge entry's answer (a topic card's choices are the next step, not an answer to judge).
      // The count is in the session (not beside it), so that it holds whichever instance takes the next message.
      const context = ctx.session.context;
      const entry = context?.lastEntryId;
      if (!context || !answered || !entry || entry === previousEntry || ctx.session.flow || ctx.session.pending) return;
      if ((replies.at(-1)?.text.length ?? 0) > MAX_ANSWER_FOR_QUESTION) return;
      const count = (context.answersSinceHelpAsked ?? HELPFUL_EVERY - 1) + 1;
      if (count < HELPFUL_EVERY) {
        context.answersSinceHelpAsked = count;
        return;
      }
      context.answersSinceHelpAsked = 0;
      // The answer's own next questions stay one tap away, after the two that answer this one.
      const offered = (replies.at(-1)?.quickReplies ?? []).slice(0, 2);
      const ask: Reply = {
        text: 'Câu trả lời có giúp được bạn không?',
        quickReplies: [{ title: 'Có', payload: P.helped }, { title: 'Không', payload: P.notHelped }, ...offered],
        expects: YES_NO,
      };
      replies.push(ask);
      ctx.session.lastQuickReplies = ask.quickReplies!;
      ctx.session.pending = { ...YES_NO, options: ask.quickReplies };
    },
  };

  return { skill, hook };
}
