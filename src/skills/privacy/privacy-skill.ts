import { citizenKey } from '../../citizens/identity.js';
import type { FlowState, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
import { controlPayload } from '../../payloads.js';
import { CONSENT_NO_PAYLOAD, CONSENT_YES_PAYLOAD, type ConsentService } from '../../privacy/consent.js';
import type { PersonalDataService } from '../../privacy/personal-data.js';
import { fold } from '../../text/fold.js';
import { describePersonalData } from './describe-data.js';

const NAME = 'privacy';
const VIEW = `${NAME}:view`;
const DELETE = `${NAME}:delete`;
const DELETE_CONFIRM = `${NAME}:delete-confirm`;
const DELETE_KEEP = `${NAME}:delete-keep`;
const WITHDRAW = `${NAME}:consent-withdraw`;
const CONFIRM_STEP = 'confirm_delete';

/** Folded answers to "Xóa hết dữ liệu?", typed instead of tapped. */
const CONFIRM_WORDS = new Set(['xoa het', 'xoa', 'xoa di', 'co', 'co xoa', 'dong y', 'ok', 'xac nhan']);
const KEEP_WORDS = new Set(['khong', 'ko', 'k', 'khong xoa', 'giu lai', 'giu', 'thoi khong xoa']);

/** What a "privacy" message asks for, read from its folded words; anything else gets the general answer. */
const DELETE_REQUEST = /\b(xoa|quen toi|delete)\b/;
const WITHDRAW_REQUEST = /\b(rut lai|(khong|ko) (dong y|cho) luu)\b/;
const VIEW_REQUEST =
  /\b(xem|kiem tra|tra cuu|tai|xuat)\b.*\b(du lieu|thong tin)\b|\bluu (thong tin |du lieu )?(gi|nhung gi)\b|\bbiet gi\b/;

const viewButton = { title: 'Xem dữ liệu của tôi', payload: VIEW };
const deleteButton = { title: 'Xóa dữ liệu của tôi', payload: DELETE };

/**
 * The citizen's rights in the chat: what is kept ("xem dữ liệu của tôi"), deletion after one confirmation
 * ("xóa dữ liệu của tôi"), and the consent decision (its buttons, and withdrawing it).
 */
export function createPrivacySkill(options: {
  personalData: PersonalDataService;
  consent: ConsentService;
  privacyPageUrl: string;
  communeName: (id: string) => string | undefined;
  /** What a general question about privacy gets (the answer book's "privacy" answer). */
  intro: Reply;
}): Skill {
  const { personalData, consent, privacyPageUrl, communeName, intro } = options;
  const policyLink = { title: 'Chính sách bảo vệ dữ liệu cá nhân', url: privacyPageUrl };
  const citizenOf = (ctx: TurnContext) => citizenKey(ctx.message.channel, ctx.message.userId);

  async function view(ctx: TurnContext): Promise<SkillResult> {
    const data = await personalData.inventory(citizenOf(ctx));
    const consentButton =
      data.citizen?.consent?.status === 'granted'
        ? { title: 'Rút lại đồng ý lưu', payload: WITHDRAW }
        : { title: 'Đồng ý lưu câu trả lời', payload: CONSENT_YES_PAYLOAD };
    return {
      replies: [
        {
          text: describePersonalData(data, communeName),
          quickReplies: data.citizen ? [deleteButton, consentButton] : [],
          links: [policyLink],
        },
      ],
    };
  }

  function askDelete(ctx: TurnContext): SkillResult {
    const previous = ctx.session.flow?.skill === NAME ? ctx.session.flow.data.previous : ctx.session.flow;
    return {
      replies: [confirmQuestion()],
      flow: { skill: NAME, step: CONFIRM_STEP, data: previous ? { previous } : {} },
    };
  }

  async function deleteAll(ctx: TurnContext): Promise<SkillResult> {
    await personalData.deletePersonalData(citizenOf(ctx), { kind: 'citizen' });
    return {
      flow: null,
      replies: [
        {
          text:
            'Đã xóa toàn bộ dữ liệu của bạn: hồ sơ, đăng ký nhận thông báo, câu trả lời đã lưu, câu hỏi, thông báo ' +
            'đang chờ gửi và cuộc trò chuyện này. Nếu bạn nhắn tiếp, trợ lý sẽ coi đó là lần đầu bạn liên hệ.',
        },
      ],
    };
  }

  function keep(flow: FlowState): SkillResult {
    const previous = flow.data.previous as FlowState | undefined;
    return {
      flow: previous ?? null,
      replies: [
        {
          text: 'Dữ liệu của bạn được giữ nguyên.',
          quickReplies: previous ? [{ title: 'Tiếp tục', payload: controlPayload('resume') }] : [viewButton],
        },
      ],
    };
  }

  function explain(): SkillResult {
    return { replies: [{ text: intro.text, quickReplies: [viewButton, deleteButton], links: [policyLink] }] };
  }

  async function decideConsent(ctx: TurnContext, granted: boolean): Promise<SkillResult> {
    const { kept } = await consent.decide(citizenOf(ctx), granted, ctx.now);
    const text = granted
      ? kept
        ? 'Cảm ơn bạn. Trợ lý đã lưu câu trả lời vừa rồi.'
        : 'Cảm ơn bạn. Từ bây giờ câu trả lời và câu hỏi của bạn sẽ được lưu.'
      : 'Trợ lý sẽ không lưu câu trả lời và câu hỏi của bạn. Bạn vẫn dùng được mọi chức năng như bình thường.';
    return { replies: [{ text }] };
  }

  /** "Rút lại đồng ý": what was kept because of the consent goes; with no consent given, it is a refusal. */
  async function withdraw(ctx: TurnContext): Promise<SkillResult> {
    if (!(await consent.hasConsent(citizenOf(ctx)))) return decideConsent(ctx, false);
    const { deleted } = await consent.withdraw(citizenOf(ctx), ctx.now);
    return {
      replies: [
        {
          text: `Đã rút lại đồng ý. Trợ lý đã xóa ${deleted} mục đã lưu và sẽ không lưu câu trả lời, câu hỏi của bạn nữa.`,
        },
      ],
    };
  }

  async function onPayload(ctx: TurnContext, payload: string): Promise<SkillResult | null> {
    switch (payload) {
      case VIEW:
        return view(ctx);
      case DELETE:
        return askDelete(ctx);
      case CONSENT_YES_PAYLOAD:
        return decideConsent(ctx, true);
      case CONSENT_NO_PAYLOAD:
        return decideConsent(ctx, false);
      case WITHDRAW:
        return withdraw(ctx);
      default:
        return null;
    }
  }

  return {
    name: NAME,
    intents: [NAME],
    handleIntent(ctx) {
      const words = fold(ctx.text);
      if (DELETE_REQUEST.test(words)) return askDelete(ctx);
      if (WITHDRAW_REQUEST.test(words)) return withdraw(ctx);
      if (VIEW_REQUEST.test(words)) return view(ctx);
      return explain();
    },
    handlePayload: onPayload,
    async continueFlow(ctx, flow) {
      const answer = ctx.message.payload ?? '';
      const words = fold(ctx.text);
      if (answer === DELETE_CONFIRM || (!answer && CONFIRM_WORDS.has(words))) return deleteAll(ctx);
      if (answer === DELETE_KEEP || (!answer && KEEP_WORDS.has(words))) return keep(flow);
      // Other privacy buttons still work while the question is open.
      return answer.startsWith(`${NAME}:`) ? onPayload(ctx, answer) : null;
    },
    back: (_ctx, flow) => keep(flow),
    resume: () => ({ replies: [confirmQuestion()] }),
  };
}

function confirmQuestion(): Reply {
  return {
    text:
      'Bạn muốn xóa toàn bộ dữ liệu trợ lý lưu về bạn trên kênh này (hồ sơ, đăng ký nhận thông báo, câu trả lời đã ' +
      'lưu, câu hỏi, thông báo đang chờ gửi)? Việc này không thể hoàn tác.',
    quickReplies: [
      { title: 'Xóa hết', payload: DELETE_CONFIRM },
      { title: 'Không', payload: DELETE_KEEP },
    ],
  };
}
