import { citizenKey } from '../citizens/identity.js';
import { type CitizenRegistry, interactionIsRecorded } from '../citizens/registry.js';
import type { TurnHook } from '../engine/engine.js';
import type { Reply, TurnContext } from '../engine/types.js';

/**
 * The notice shown once per citizen and channel, before the first answer: at most 250 characters with its link on a
 * phone, so it does not bury the answer. What is kept and for how long is on the privacy page and behind
 * "xem dữ liệu của tôi".
 */
export function privacyNotice(privacyPageUrl: string): Reply {
  return {
    text:
      'Về dữ liệu của bạn: trợ lý chỉ lưu điều cần để trả lời; câu trả lời chỉ được giữ lại nếu bạn đồng ý. ' +
      'Nhắn "xem dữ liệu của tôi" hoặc "xóa dữ liệu của tôi" bất cứ lúc nào.',
    links: [{ title: 'Chính sách bảo vệ dữ liệu cá nhân', url: privacyPageUrl }],
  };
}

/**
 * Runs before every turn on every channel: records the citizen's interaction (creating the record on first
 * contact) and prepends the privacy notice the first time. The citizen's record is read with the turn's other reads.
 */
export function createPrivacyNoticeHook(options: {
  registry: CitizenRegistry;
  privacyPageUrl: string;
}): TurnHook {
  const { registry } = options;
  const notice = privacyNotice(options.privacyPageUrl);
  const nothing = async (): Promise<Reply[]> => [];
  return {
    prepare({ channel, userId, id: messageId }, known) {
      const id = citizenKey(channel, userId);
      const seen = known?.facts.citizen;
      // The session knows the record from within the minute, notice shown: this turn would write nothing, and needs
      // only the commune (the statistics). Changed on another instance meanwhile, it counts a question under the old one.
      // A message the channel may hand over again after a crash is checked against the record itself (see below).
      if (seen && messageId === undefined && interactionIsRecorded(seen.lastInteractionAt, known.now)) {
        registry.knowCommune(id, seen.commune);
        return Promise.resolve(nothing);
      }
      const read = registry.get(id);
      return read.then(() => async (ctx: TurnContext): Promise<Reply[]> => {
        const citizen = await registry.recordInteraction(channel, userId, ctx.now, read);
        // Recorded for this very message, which is being handled again after a crash: its answer never went out.
        const again = messageId !== undefined && citizen.noticeShownFor === messageId;
        let shown = citizen.noticeShownAt !== null && !again;
        const replies: Reply[] = [];
        if (!shown) {
          const change = { noticeShownAt: ctx.now.toISOString(), ...(messageId === undefined ? {} : { noticeShownFor: messageId }) };
          shown = (await registry.update(citizen.id, change)) !== undefined;
          replies.push(structuredClone(notice));
        }
        if (known && shown) known.facts.citizen = { lastInteractionAt: citizen.lastInteractionAt, commune: citizen.commune };
        else if (known) delete known.facts.citizen;
        return replies;
      });
    },
    after(ctx) {
      // A commune the turn's skills changed (on this instance, so remembered by the registry) is the session's too.
      const seen = ctx.session.known?.citizen;
      const commune = seen && registry.recentCommune(citizenKey(ctx.message.channel, ctx.message.userId));
      if (seen && commune !== undefined) seen.commune = commune;
    },
  };
}
