/**
 * The few texts the Zalo channel writes itself; everything else (the privacy notice included) comes from the
 * conversation engine.
 */

export const ONLY_TEXT_UNDERSTOOD =
  'Xin lỗi, trợ lý hiện chỉ đọc được tin nhắn chữ, chưa xem được ảnh, tệp, giọng nói hay vị trí. ' +
  'Bạn vui lòng gõ câu hỏi bằng chữ (có dấu hoặc không dấu đều được), hoặc gõ "menu" để xem các nội dung hỗ trợ.';

export const TEMPORARY_TROUBLE =
  'Xin lỗi, trợ lý đang gặp sự cố khi trả lời tin nhắn này. Bạn vui lòng gửi lại sau ít phút.';

/** Reply to the "share your information" form, after the commune was looked up in the directory. */
export function communeNoticed(commune: { name: string } | null, subscribed: boolean): string {
  if (!commune) {
    return (
      'Cảm ơn bạn đã gửi thông tin. Trợ lý chưa nhận ra xã, phường của bạn từ địa chỉ này; ' +
      'bạn có thể nhắn tên xã, phường để nhận thông báo của địa phương.'
    );
  }
  const next = subscribed
    ? `Bạn sẽ nhận thông báo của ${commune.name} qua Zalo.`
    : `Nếu muốn nhận thông báo của ${commune.name}, bạn nhắn "đăng ký nhận thông báo".`;
  return `Cảm ơn bạn đã gửi thông tin. Trợ lý đã ghi nhận địa phương của bạn: ${commune.name}. ${next}`;
}
