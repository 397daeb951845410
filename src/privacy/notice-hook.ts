import { citizenKey } from '../citizens/identity.js';
import type { CitizenRegistry } from '../citizens/registry.js';
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
  const notice = privacyNotice(options.privacyPageUrl);
  return {
    prepare({ channel, userId }) {
      const read = options.registry.get(citizenKey(channel, userId));
      return read.then(() => async (ctx: TurnContext): Promise<Reply[]> => {
        const citizen = await options.registry.recordInteraction(channel, userId, ctx.now, read);
        if (citizen.noticeShownAt) return [];
        await options.registry.update(citizen.id, { noticeShownAt: ctx.now.toISOString() });
        return [structuredClone(notice)];
      });
    },
  };
}
