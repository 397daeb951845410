import type { WireAnnouncement } from '../../channels/web/wire.js';
import { citizenKey } from '../../citizens/identity.js';
import type { CitizenRegistry } from '../../citizens/registry.js';
import { provinceWallTime } from '../../clock.js';
import { communeLabel } from '../../domain/commune-label.js';
import type { Commune, CommuneDirectory } from '../../domain/communes.js';
import type { Expectation, FlowState, QuickReply, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
import { intentPayload } from '../../payloads.js';
import { fold } from '../../text/fold.js';

export const SUBSCRIPTIONS_SKILL = 'subscriptions';
export const SUBSCRIPTION_INTENTS = ['subscribe', 'unsubscribe', 'announcements'] as const;

export interface SubscriptionSkillOptions {
  registry: CitizenRegistry;
  communes: CommuneDirectory;
  /** A commune's published announcements, newest first (the public feed). */
  feed: (communeId: string, limit: number) => Promise<WireAnnouncement[]>;
}

/** Why the flow asks for a commune: to subscribe, or to show that commune's announcements. */
type Purpose = 'subscribe' | 'feed';
const ASK_STEP = 'ask_commune';
/** After this many names that match nothing, the flow ends instead of asking forever. */
const MAX_TRIES = 3;
const FEED_SHOWN = 3;
const COMMUNE_ANSWER: Expectation = { kind: 'commune', owner: SUBSCRIPTIONS_SKILL };

const P = {
  choose: (id: string, purpose: Purpose) => `${SUBSCRIPTIONS_SKILL}:choose:${purpose}:${id}`,
  keep: `${SUBSCRIPTIONS_SKILL}:keep`,
  change: `${SUBSCRIPTIONS_SKILL}:change`,
  unsubscribe: `${SUBSCRIPTIONS_SKILL}:unsubscribe`,
};
const SEE_BUTTON: QuickReply = { title: 'Xem thông báo', payload: intentPayload('announcements') };
const UNSUBSCRIBE_BUTTON: QuickReply = { title: 'Hủy đăng ký', payload: intentPayload('unsubscribe') };
const SUBSCRIBE_BUTTON: QuickReply = { title: 'Đăng ký nhận thông báo', payload: intentPayload('subscribe') };

/**
 * Commune announcements in the chat: subscribe ("đăng ký nhận thông báo xã Thanh Hà" subscribes at once; without a
 * commune the bot asks), see or change the commune, unsubscribe ("hủy đăng ký", "dừng", after a confirmation), and
 * read the latest announcements. Former commune names are understood (they map to the commune they were merged into).
 */
export function createSubscriptionSkill(options: SubscriptionSkillOptions): Skill {
  const { registry, communes } = options;
  const citizenOf = (ctx: TurnContext) => citizenKey(ctx.message.channel, ctx.message.userId);

  /** Communes the typed answer names: the reader's commune (with the alternatives of a split former one), else a name search. */
  const named = (ctx: TurnContext): { communes: Commune[]; typed: string } => {
    const { answer } = ctx;
    if (answer?.kind === 'commune') return { communes: byIds(answer.ids), typed: answer.typed };
    return { communes: communes.search(ctx.text).map((m) => m.commune), typed: ctx.text };
  };

  /** Communes a request names ("đăng ký nhận thông báo xã Thanh Hà"), from the matcher's entity. */
  const requested = (ctx: TurnContext): { communes: Commune[]; typed: string } => {
    const entity = ctx.nlu().entities.find((e) => e.entity === 'commune');
    if (!entity) return { communes: [], typed: '' };
    return { communes: byIds([String(entity.value), ...(entity.alternatives ?? [])]), typed: entity.text };
  };

  const byIds = (ids: string[]) => [...new Set(ids)].map((id) => communes.byId(id)).filter((c): c is Commune => c !== undefined);

  const ask = (purpose: Purpose, known: Commune | null, tries = 0, notFound?: string): SkillResult => {
    const question =
      purpose === 'subscribe'
        ? 'Bạn muốn nhận thông báo của xã/phường nào? Hãy nhắn tên xã/phường (tên mới hoặc tên cũ), ví dụ: Thanh Hà.'
        : 'Bạn muốn xem thông báo của xã/phường nào? Hãy nhắn tên xã/phường, ví dụ: Thanh Hà.';
    const text = notFound ? `Chưa tìm thấy xã/phường "${notFound}". ${question}` : question;
    const quickReplies = known ? [{ title: capitalize(communeLabel(known)), payload: P.choose(known.id, purpose) }] : [];
    return {
      replies: [{ text, quickReplies, expects: COMMUNE_ANSWER }],
      flow: { skill: SUBSCRIPTIONS_SKILL, step: ASK_STEP, data: { purpose, tries, known: known?.id ?? null } },
    };
  };

  const chooseAmong = (purpose: Purpose, found: Commune[], typed: string, tries: number): SkillResult => ({
    replies: [
      {
        text: `"${typed}" nay thuộc nhiều xã/phường khác nhau. Bạn ở xã/phường nào?`,
        quickReplies: found.slice(0, 10).map((c) => ({ title: capitalize(communeLabel(c)), payload: P.choose(c.id, purpose) })),
        expects: COMMUNE_ANSWER,
      },
    ],
    flow: { skill: SUBSCRIPTIONS_SKILL, step: ASK_STEP, data: { purpose, tries, known: null } },
  });

  const subscribe = async (ctx: TurnContext, commune: Commune, typed: string): Promise<SkillResult> => {
    const id = citizenOf(ctx);
    const before = await registry.get(id);
    if (!before) await registry.recordInteraction(ctx.message.channel, ctx.message.userId, ctx.now);
    await registry.update(id, { commune: commune.id, subscribed: true, subscribedAt: ctx.now.toISOString() });
    const label = communeLabel(commune);
    const formerly = typed && fold(typed) !== fold(commune.name) && fold(typed) !== fold(label) ? ` ("${typed}" nay thuộc ${label})` : '';
    const previous = before?.subscribed && before.commune ? communes.byId(before.commune) : undefined;
    let text: string;
    if (previous?.id === commune.id) text = `Bạn đã đăng ký nhận thông báo của ${label} rồi.`;
    else if (previous) text = `Đã chuyển sang nhận thông báo của ${label}${formerly}, thay cho ${communeLabel(previous)}.`;
    else text = `Đã đăng ký nhận thông báo của ${label}${formerly}. Khi có thông báo mới, trợ lý sẽ gửi cho bạn tại đây.`;
    if (ctx.capabilities.proactive === 'windowed') {
      text +=
        ' Lưu ý: Zalo chỉ cho phép gửi tin cho bạn trong 7 ngày kể từ lần cuối bạn nhắn cho trợ lý; ' +
        'nếu lâu hơn, thông báo sẽ được báo cho bạn ở lần nhắn tin tiếp theo.';
    }
    return { replies: [{ text, quickReplies: [SEE_BUTTON, UNSUBSCRIBE_BUTTON] }], flow: null };
  };

  const showFeed = async (commune: Commune, ctx: TurnContext): Promise<SkillResult> => {
    const label = communeLabel(commune);
    const items = await options.feed(commune.id, FEED_SHOWN);
    const citizen = await registry.get(citizenOf(ctx));
    const subscribedHere = citizen?.subscribed && citizen.commune === commune.id;
    const replies: Reply[] = items.length
      ? items.map((a) => ({ text: `📢 ${a.title}${dateOf(a)}\n\n${a.body}` }))
      : [{ text: `Hiện chưa có thông báo nào của ${label}.` }];
    replies.push(
      subscribedHere
        ? { text: `Bạn đang nhận thông báo của ${label}.`, quickReplies: [{ title: 'Đổi xã/phường', payload: P.change }, UNSUBSCRIBE_BUTTON] }
        : {
            text: `Bạn chưa đăng ký nhận thông báo của ${label}.`,
            quickReplies: [{ title: `Nhận thông báo ${label}`, payload: P.choose(commune.id, 'subscribe') }],
          },
    );
    return { replies, flow: null };
  };

  const act = (ctx: TurnContext, purpose: Purpose, commune: Commune, typed: string) =>
    purpose === 'subscribe' ? subscribe(ctx, commune, typed) : showFeed(commune, ctx);

  const askAgain = (flow: FlowState): SkillResult => {
    const known = typeof flow.data.known === 'string' ? (communes.byId(flow.data.known) ?? null) : null;
    return ask(flow.data.purpose === 'feed' ? 'feed' : 'subscribe', known);
  };

  const subscribedCommune = async (ctx: TurnContext) => {
    const citizen = await registry.get(citizenOf(ctx));
    if (!citizen?.subscribed) return null;
    return { citizen, commune: citizen.commune ? communes.byId(citizen.commune) : undefined };
  };

  /** "Hủy đăng ký" is asked back first: a stray word never stops the announcements. */
  const askUnsubscribe = async (ctx: TurnContext): Promise<SkillResult> => {
    const subscribed = await subscribedCommune(ctx);
    if (!subscribed) return notSubscribed();
    const from = subscribed.commune ? ` của ${communeLabel(subscribed.commune)}` : '';
    return {
      replies: [
        {
          text: `Bạn muốn hủy đăng ký, không nhận thông báo${from} nữa?`,
          quickReplies: [
            { title: 'Hủy đăng ký', payload: P.unsubscribe },
            { title: 'Không', payload: P.keep },
          ],
          expects: { kind: 'confirm', owner: SUBSCRIPTIONS_SKILL },
        },
      ],
      flow: null,
    };
  };

  const unsubscribe = async (ctx: TurnContext): Promise<SkillResult> => {
    const subscribed = await subscribedCommune(ctx);
    if (!subscribed) return notSubscribed();
    await registry.update(subscribed.citizen.id, { subscribed: false });
    const from = subscribed.commune ? ` của ${communeLabel(subscribed.commune)}` : '';
    return {
      replies: [
        {
          text: `Đã hủy đăng ký. Bạn sẽ không nhận thông báo${from} nữa. Muốn nhận lại, hãy nhắn "đăng ký nhận thông báo".`,
          quickReplies: [SUBSCRIBE_BUTTON],
        },
      ],
      flow: null,
    };
  };

  const keep = (): SkillResult => ({ replies: [{ text: 'Vâng, bạn vẫn nhận thông báo như cũ.', quickReplies: [SEE_BUTTON] }], flow: null });

  const handleChoice = async (ctx: TurnContext, payload: string): Promise<SkillResult | null> => {
    if (payload === P.keep) return keep();
    // The confirm button counts only while its question is open: an old one in the chat history asks again.
    if (payload === P.unsubscribe) {
      const open = ctx.session.pending;
      return open?.kind === 'confirm' && open.owner === SUBSCRIPTIONS_SKILL ? unsubscribe(ctx) : askUnsubscribe(ctx);
    }
    if (payload === P.change) return ask('subscribe', null);
    const match = /^subscriptions:choose:(subscribe|feed):(\d{5})$/.exec(payload);
    const commune = match ? communes.byId(match[2]!) : undefined;
    if (!match || !commune) return null;
    return act(ctx, match[1] as Purpose, commune, '');
  };

  const notSubscribed = (): SkillResult => ({
    replies: [{ text: 'Bạn chưa đăng ký nhận thông báo nào.', quickReplies: [SUBSCRIBE_BUTTON] }],
    flow: null,
  });

  return {
    name: SUBSCRIPTIONS_SKILL,
    intents: SUBSCRIPTION_INTENTS,

    async handleIntent(ctx, intent) {
      if (intent === 'unsubscribe') return askUnsubscribe(ctx);

      const purpose: Purpose = intent === 'subscribe' ? 'subscribe' : 'feed';
      const found = requested(ctx);
      if (found.communes.length === 1) return act(ctx, purpose, found.communes[0]!, found.typed);
      if (found.communes.length > 1) return chooseAmong(purpose, found.communes, found.typed, 0);

      const citizen = await registry.get(citizenOf(ctx));
      const current = citizen?.commune ? communes.byId(citizen.commune) : undefined;
      if (purpose === 'feed') return current ? showFeed(current, ctx) : ask('feed', null);
      if (citizen?.subscribed && current) {
        return {
          replies: [
            {
              text: `Bạn đang nhận thông báo của ${communeLabel(current)}. Bạn muốn đổi sang xã/phường khác không?`,
              quickReplies: [
                { title: 'Giữ nguyên', payload: P.keep },
                { title: 'Đổi xã/phường', payload: P.change },
                UNSUBSCRIBE_BUTTON,
              ],
              expects: { kind: 'option', owner: SUBSCRIPTIONS_SKILL },
            },
          ],
          flow: null,
        };
      }
      // The widget's page names its commune: offered as a one-tap answer.
      return ask('subscribe', current ?? null);
    },

    // The flow's buttons; typed names come through `answer`.
    continueFlow(ctx, flow) {
      const payload = ctx.message.payload;
      return flow.step === ASK_STEP && payload?.startsWith(`${SUBSCRIPTIONS_SKILL}:`) ? handleChoice(ctx, payload) : null;
    },

    async answer(ctx, question) {
      const { answer } = ctx;
      if (answer?.kind === 'option') return handleChoice(ctx, answer.payload);
      // "Hủy đăng ký?" and "Bạn muốn đổi sang xã/phường khác không?": a yes does what was asked, a no keeps.
      if (question.kind === 'confirm' || question.kind === 'option') {
        if (answer?.kind === 'yes') return question.kind === 'confirm' ? unsubscribe(ctx) : ask('subscribe', null);
        return answer?.kind === 'no' ? keep() : null;
      }
      const flow = ctx.session.flow;
      if (flow?.skill !== SUBSCRIPTIONS_SKILL || flow.step !== ASK_STEP) return null;
      const purpose = flow.data.purpose === 'feed' ? 'feed' : 'subscribe';
      const tries = Number(flow.data.tries ?? 0);
      const found = named(ctx);
      if (found.communes.length === 1) return act(ctx, purpose, found.communes[0]!, found.typed);
      if (found.communes.length > 1) return chooseAmong(purpose, found.communes, found.typed, tries);
      // No commune in it: "xem thông báo", "hủy đăng ký"… are run as what they are (the engine drops this re-ask).
      if (tries + 1 >= MAX_TRIES) {
        return {
          replies: [
            {
              text:
                'Trợ lý chưa tìm được xã/phường bạn nhắn. Bạn có thể thử lại sau, ví dụ nhắn "đăng ký nhận thông báo xã Thanh Hà", ' +
                'hoặc hỏi cán bộ xã tên xã/phường mới sau sáp nhập.',
            },
          ],
          flow: null,
          unanswered: true,
        };
      }
      const known = typeof flow.data.known === 'string' ? (communes.byId(flow.data.known) ?? null) : null;
      return { ...ask(purpose, known, tries + 1, ctx.text.slice(0, 60)), unanswered: true };
    },

    handlePayload(ctx, payload) {
      return handleChoice(ctx, payload);
    },

    resume: (_ctx, flow) => askAgain(flow),
    back: (_ctx, flow) => askAgain(flow),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dateOf(announcement: WireAnnouncement): string {
  if (!announcement.publishedAt) return '';
  const [y, m, d] = provinceWallTime(new Date(announcement.publishedAt)).date.split('-');
  return ` (${d}/${m}/${y})`;
}
