import type { CitizenRegistry } from '../citizens/registry.js';
import type { TurnHook } from '../engine/engine.js';
import type { Reply, TurnContext } from '../engine/types.js';
import { formatDays, type RetentionPeriods } from './retention-periods.js';

/** The short notice shown once per citizen and channel, before the first answer. */
export function privacyNotice(periods: RetentionPeriods, privacyPageUrl: string): Reply {
  return {
    text:
      'Về dữ liệu của bạn: trợ lý lưu mã người dùng của bạn trên kênh này, thời điểm bạn nhắn tin và xã/phường bạn ' +
      'đăng ký nhận thông báo (nếu có), để trả lời bạn và gửi thông báo bạn đã đăng ký. Câu trả lời khi kiểm tra hộ ' +
      'nghèo và câu hỏi của bạn chỉ được lưu lại sau cuộc trò chuyện nếu bạn đồng ý (tối đa ' +
      `${formatDays(periods.keptAnswersDays)}). Nếu bạn không nhắn tin trong ${formatDays(periods.idleCitizenDays)}, ` +
      'trợ lý tự xóa dữ liệu của bạn, trừ khi bạn đang nhận thông báo. Bất cứ lúc nào, bạn có thể nhắn ' +
      '"xem dữ liệu của tôi" hoặc "xóa dữ liệu của tôi".',
    links: [{ title: 'Chính sách bảo vệ dữ liệu cá nhân', url: privacyPageUrl }],
  };
}

/**
 * Runs before every turn on every channel: records the citizen's interaction (creating the record on first
 * contact) and prepends the privacy notice the first time.
 */
export function createPrivacyNoticeHook(options: {
  registry: CitizenRegistry;
  periods: RetentionPeriods;
  privacyPageUrl: string;
}): TurnHook {
  const notice = privacyNotice(options.periods, options.privacyPageUrl);
  return {
    async before(ctx: TurnContext): Promise<Reply[]> {
      const { channel, userId } = ctx.message;
      const citizen = await options.registry.recordInteraction(channel, userId, ctx.now);
      if (citizen.noticeShownAt) return [];
      await options.registry.update(citizen.id, { noticeShownAt: ctx.now.toISOString() });
      return [structuredClone(notice)];
    },
  };
}
