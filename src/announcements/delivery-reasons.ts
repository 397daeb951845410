import type { ZaloFailureKind } from '../channels/zalo/errors.js';

/**
 * Why a delivery ended as it did. Internal reasons are short codes; a Zalo failure is stored as
 * `zalo:<kind>: <Zalo's own reason with its error code>`, so the report can both group it and show Zalo's words.
 */
export const REASON = {
  unsubscribed: 'unsubscribed',
  withdrawn: 'withdrawn',
  zaloOff: 'zalo_off',
  citizenGone: 'citizen_deleted',
  /**
   * Marked `sending` when the service stopped and Zalo's conversation history could not say whether it arrived:
   * it is not sent again.
   */
  interrupted: 'interrupted',
  /** Marked `sending` when the service stopped; Zalo's conversation history after the restart shows it arrived. */
  sentBeforeRestart: 'sent_before_restart',
  /** Outside the 7-day window when due; delivered as a short notice with the title when the citizen next wrote. */
  onNextMessage: 'on_next_message',
  /** Still outside the window when the announcement was too old to be worth announcing. */
  expired: 'expired',
} as const;

export function zaloFailureReason(kind: ZaloFailureKind, reason: string): string {
  return `zalo:${kind}: ${reason}`;
}

const ZALO_KIND_LABEL: Record<ZaloFailureKind, string> = {
  rate_limited: 'Zalo báo vượt giới hạn gửi tin',
  send_failed: 'Zalo không gửi được tin',
  token: 'Mã truy cập Zalo không dùng được (cần quản trị viên cấp lại quyền)',
  not_follower: 'Người dân chưa quan tâm (theo dõi) Zalo OA',
  outside_window: 'Người dân không tương tác với OA trong 7 ngày qua',
  invalid_request: 'Zalo từ chối yêu cầu (mã người dùng hoặc nội dung không hợp lệ)',
  recipient_unavailable: 'Người dân đã chặn hoặc hạn chế tin từ OA',
  configuration: 'Cấu hình Zalo OA chưa đúng',
  network: 'Không kết nối được tới Zalo',
  other: 'Lỗi khác từ Zalo',
};

const LABEL: Record<string, string> = {
  [REASON.unsubscribed]: 'Đã hủy đăng ký nhận thông báo',
  [REASON.withdrawn]: 'Thông báo đã bị thu hồi trước khi gửi',
  [REASON.zaloOff]: 'Zalo chưa được cấu hình',
  [REASON.citizenGone]: 'Người dân đã xóa dữ liệu của mình',
  [REASON.interrupted]: 'Không chắc đã gửi: dịch vụ dừng đúng lúc đang gửi và Zalo không cho biết tin đã đến chưa, nên không gửi lại để tránh trùng',
  [REASON.sentBeforeRestart]: 'Đã gửi ngay trước khi dịch vụ khởi động lại (xác nhận qua lịch sử hội thoại Zalo)',
  [REASON.onNextMessage]: 'Gửi tóm tắt khi người dân nhắn tin lại (ngoài 7 ngày lúc phát hành)',
  [REASON.expired]: 'Quá hạn: người dân không nhắn lại trong 30 ngày',
};

/** A Vietnamese explanation of a stored reason, for the console. */
export function reasonLabel(reason: string): string {
  const zalo = /^zalo:([a-z_]+): /.exec(reason);
  if (zalo) return ZALO_KIND_LABEL[zalo[1] as ZaloFailureKind] ?? ZALO_KIND_LABEL.other;
  return LABEL[reason] ?? reason;
}
