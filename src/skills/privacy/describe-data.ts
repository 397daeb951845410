import { PROVINCE_TIME_ZONE } from '../../clock.js';
import type { PersonalDataInventory } from '../../privacy/personal-data.js';

const dateTime = new Intl.DateTimeFormat('vi-VN', {
  timeZone: PROVINCE_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const at = (iso: string) => dateTime.format(new Date(iso));

const CHANNEL_NAMES = { web: 'trang web', zalo: 'Zalo' } as const;
const WAITING_STATES = new Set(['queued', 'sending', 'pending_window']);

/** "xem dữ liệu của tôi": every stored fact about the citizen, in plain Vietnamese, one line each. */
export function describePersonalData(
  data: PersonalDataInventory,
  communeName: (id: string) => string | undefined,
): string {
  const c = data.citizen;
  const lines: string[] = [];
  if (!c) {
    lines.push('Hiện trợ lý không lưu hồ sơ nào về bạn trên kênh này.');
  } else {
    lines.push(`• Mã người dùng trên ${CHANNEL_NAMES[c.channel]}: ${c.userId}`);
    lines.push(`• Lần đầu nhắn tin: ${at(c.firstSeenAt)}; lần gần nhất: ${at(c.lastInteractionAt)}`);
    if (c.noticeShownAt) lines.push(`• Đã xem thông báo về dữ liệu lúc ${at(c.noticeShownAt)}`);
    lines.push(
      `• Lưu câu trả lời và câu hỏi: ${
        c.consent === null
          ? 'bạn chưa trả lời'
          : c.consent.status === 'granted'
            ? `bạn đã đồng ý lúc ${at(c.consent.at)}`
            : `bạn không đồng ý (lúc ${at(c.consent.at)})`
      }`,
    );
    if (c.channel === 'zalo') lines.push(`• Quan tâm Official Account: ${c.following ? 'có' : 'không'}`);
    if (c.subscribed && c.commune) {
      const since = c.subscribedAt ? ` từ ${at(c.subscribedAt)}` : '';
      lines.push(`• Nhận thông báo của ${communeName(c.commune) ?? `xã/phường mã ${c.commune}`}${since}`);
    } else {
      lines.push('• Nhận thông báo: không đăng ký');
    }
  }

  const screenings = data.keptAnswers.filter((a) => a.kind === 'screening');
  const questions = data.keptAnswers.filter((a) => a.kind === 'question');
  if (data.keptAnswers.length) {
    const dates = data.keptAnswers.map((a) => at(a.createdAt)).join(', ');
    lines.push(`• Câu trả lời đã lưu: ${screenings.length} lần kiểm tra hộ nghèo, ${questions.length} câu hỏi (lúc ${dates})`);
  } else {
    lines.push('• Câu trả lời đã lưu: không có');
  }
  if (data.heldAnswers) lines.push(`• Câu trả lời đang chờ bạn quyết định có lưu hay không: ${data.heldAnswers}`);
  const withText = data.unanswered.filter((q) => q.text !== null).length;
  if (data.unanswered.length) {
    lines.push(
      `• Câu hỏi trợ lý chưa trả lời được: ${data.unanswered.length}` +
        (withText ? ` (lưu nội dung ${withText} câu, vì bạn đã đồng ý)` : ' (chỉ đếm số lượng, không lưu nội dung)'),
    );
  }
  const waiting = data.deliveries.filter((d) => WAITING_STATES.has(d.state)).length;
  const done = data.deliveries.length - waiting;
  if (data.deliveries.length) lines.push(`• Thông báo đang chờ gửi cho bạn: ${waiting}; đã gửi hoặc đã xử lý: ${done}`);
  if (data.handoffs.length) {
    const notes = data.handoffs.reduce((n, h) => n + h.messages.filter((m) => m.from === 'note').length, 0);
    const messages = data.handoffs.reduce((n, h) => n + h.messages.filter((m) => m.from !== 'note').length, 0);
    const open = data.handoffs.filter((h) => h.status !== 'closed').length;
    lines.push(
      `• Câu hỏi đã chuyển cho cán bộ xã/phường: ${data.handoffs.length} (đang mở ${open}; ${messages} tin nhắn` +
        (notes ? `, ${notes} ghi chú của cán bộ)` : ')'),
    );
  }
  if (data.unhandledEvents) lines.push(`• Tin nhắn đang được xử lý: ${data.unhandledEvents}`);
  if (data.session) lines.push(`• Cuộc trò chuyện đang mở từ ${at(data.session.startedAt)} (tự xóa khi bạn ngừng nhắn)`);

  return ['Dữ liệu trợ lý đang lưu về bạn:', ...lines].join('\n');
}
