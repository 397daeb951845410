import { citizenKey } from '../../citizens/identity.js';
import type { Expectation, FlowState, Reply, Skill, SkillResult, TurnContext } from '../../engine/types.js';
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
const WITHDRAW_CONFIRM = `${NAME}:consent-withdraw-confirm`;
/** The flow steps of the two actions that cannot be undone, each asked for confirmation first. */
const CONFIRM_DELETE = 'confirm_delete';
const CONFIRM_WITHDRAW = 'confirm_withdraw';
const CONFIRMATION: Expectation = { kind: 'confirm', owner: NAME };

/** What a "privacy" message asks for, read from its folded words; anything else gets the general answer. */
const DELETE_REQUEST = /\b(xoa|quen toi|delete)\b/;
const WITHDRAW_REQUEST = /\b(rut lai|(khong|ko) (dong y|cho) luu)\b/;
const VIEW_REQUEST =
  /\b(xem|kiem tra|tra cuu|tai|xuat)\b.*\b(du lieu|thong tin)\b|\bluu (thong tin |du lieu )?(gi|nhung gi)\b|\bbiet gi\b/;

const viewButton = { title: 'Xem dữ liệu của tôi', payload: VIEW };
const deleteButton = { title: 'Xóa dữ liệu của tôi', payload: DELETE };

/**
 * The citizen's rights in the chat: what is kept ("xem dữ liệu của tôi"), deletion after one confirmation
 * ("xóa dữ liệu của tôi"), and the consent decision (its buttons or a typed answer; withdrawing it, also confirmed).
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

  /** Asks before deleting or withdrawing; the flow interrupted by the question comes back when the answer is no. */
  function askConfirm(ctx: TurnContext, step: string): SkillResult {
    const previous = ctx.session.flow?.skill === NAME ? ctx.session.flow.data.previous : ctx.session.flow;
    return {
      replies: [confirmQuestion(step)],
      flow: { skill: NAME, step, data: previous ? { previous } : {} },
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

  function keep(flow: FlowState | null): SkillResult {
    const previous = flow?.skill === NAME ? (flow.data.previous as FlowState | undefined) : undefined;
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

  /** "Rút lại đồng ý" is confirmed first, since what was kept goes; with no consent given, it is a refusal. */
  async function askWithdraw(ctx: TurnContext): Promise<SkillResult> {
    return (await consent.hasConsent(citizenOf(ctx))) ? askConfirm(ctx, CONFIRM_WITHDRAW) : decideConsent(ctx, false);
  }

  async function withdraw(ctx: TurnContext, flow: FlowState | null): Promise<SkillResult> {
    const { deleted } = await consent.withdraw(citizenOf(ctx), ctx.now);
    return {
      flow: (flow?.data.previous as FlowState | undefined) ?? null,
      replies: [
        {
          text: `Đã rút lại đồng ý. Trợ lý đã xóa ${deleted} mục đã lưu và sẽ không lưu câu trả lời, câu hỏi của bạn nữa.`,
        },
      ],
    };
  }

  /** A confirm button counts only while its question is open: an old one in the chat history asks again. */
  const confirming = (ctx: TurnContext, step: string) => ctx.session.flow?.skill === NAME && ctx.session.flow.step === step;

  async function onPayload(ctx: TurnContext, payload: string): Promise<SkillResult | null> {
    switch (payload) {
      case VIEW:
        return view(ctx);
      case DELETE:
        return askConfirm(ctx, CONFIRM_DELETE);
      case DELETE_CONFIRM:
        return confirming(ctx, CONFIRM_DELETE) ? deleteAll(ctx) : askConfirm(ctx, CONFIRM_DELETE);
      case DELETE_KEEP:
        return keep(ctx.session.flow);
      case CONSENT_YES_PAYLOAD:
        return decideConsent(ctx, true);
      case CONSENT_NO_PAYLOAD:
        return decideConsent(ctx, false);
      case WITHDRAW:
        return askWithdraw(ctx);
      case WITHDRAW_CONFIRM:
        return confirming(ctx, CONFIRM_WITHDRAW) ? withdraw(ctx, ctx.session.flow) : askWithdraw(ctx);
      default:
        return null;
    }
  }

  return {
    name: NAME,
    intents: [NAME],
    handleIntent(ctx) {
      const words = fold(ctx.text);
      if (DELETE_REQUEST.test(words)) return askConfirm(ctx, CONFIRM_DELETE);
      if (WITHDRAW_REQUEST.test(words)) return askWithdraw(ctx);
      if (VIEW_REQUEST.test(words)) return view(ctx);
      return explain();
    },
    handlePayload: onPayload,
    // The buttons of the confirmation; what is typed comes through `answer`.
    continueFlow(ctx) {
      const payload = ctx.message.payload ?? '';
      return payload.startsWith(`${NAME}:`) ? onPayload(ctx, payload) : null;
    },
    /**
     * The confirmation and the consent question, answered in words: an option named ("ok xoá hết đi") counts as its
     * button, a yes confirms, a no keeps; anything else is a new message (nothing is deleted on a guess).
     */
    answer(ctx, question) {
      const { answer } = ctx;
      if (answer?.kind === 'option') return onPayload(ctx, answer.payload);
      if (answer?.kind !== 'yes' && answer?.kind !== 'no') return null;
      const yes = answer.kind === 'yes';
      if (question.kind === 'consent') return decideConsent(ctx, yes);
      const flow = ctx.session.flow;
      if (question.kind !== 'confirm' || flow?.skill !== NAME) return null;
      if (!yes) return keep(flow);
      return flow.step === CONFIRM_WITHDRAW ? withdraw(ctx, flow) : deleteAll(ctx);
    },
    back: (_ctx, flow) => keep(flow),
    resume: (_ctx, flow) => ({ replies: [confirmQuestion(flow.step)] }),
  };
}

function confirmQuestion(step: string): Reply {
  if (step === CONFIRM_WITHDRAW) {
    return {
      text: 'Bạn muốn rút lại đồng ý? Trợ lý sẽ xóa ngay các câu trả lời, câu hỏi đã lưu và không lưu nữa.',
      quickReplies: [
        { title: 'Rút lại đồng ý', payload: WITHDRAW_CONFIRM },
        { title: 'Không', payload: DELETE_KEEP },
      ],
      expects: CONFIRMATION,
    };
  }
  return {
    text:
      'Bạn muốn xóa toàn bộ dữ liệu trợ lý lưu về bạn trên kênh này (hồ sơ, đăng ký nhận thông báo, câu trả lời đã ' +
      'lưu, câu hỏi, thông báo đang chờ gửi)? Việc này không thể hoàn tác.',
    quickReplies: [
      { title: 'Xóa hết', payload: DELETE_CONFIRM },
      { title: 'Không', payload: DELETE_KEEP },
    ],
    expects: CONFIRMATION,
  };
}
