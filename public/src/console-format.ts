import type { AnnouncementStatus, Commune, DeliveryState } from './console-api.js';

const TYPE_WORD: Record<Commune['type'], string> = { xa: 'Xã', phuong: 'Phường', dac_khu: 'Đặc khu' };
export const communeLabel = (c: Commune) => `${TYPE_WORD[c.type]} ${c.name}`;

const dateTime = new Intl.DateTimeFormat('vi-VN', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Asia/Ho_Chi_Minh',
});
export const when = (iso: string | null) => (iso ? dateTime.format(new Date(iso)) : '—');

/** A datetime-local value ("2026-12-01T08:00") read as Hải Phòng time. */
export const provinceLocalToIso = (value: string) => `${value}:00+07:00`;

export const STATUS: Record<AnnouncementStatus, string> = {
  scheduled: 'Hẹn giờ',
  publishing: 'Đang phát hành',
  published: 'Đã phát hành',
  withdrawn: 'Đã thu hồi',
};

/** Delivery states in the order the report shows them. */
export const STATES: [DeliveryState, string][] = [
  ['sent', 'Đã gửi'],
  ['queued', 'Đang chờ gửi'],
  ['sending', 'Đang gửi'],
  ['pending_window', 'Chờ người dân nhắn lại (quá 7 ngày không tương tác)'],
  ['failed', 'Gửi lỗi'],
  ['skipped', 'Không gửi'],
];

export const ACTIONS: Record<string, string> = {
  'staff.login': 'Đăng nhập',
  'staff.login_failed': 'Đăng nhập sai',
  'staff.login_throttled': 'Tạm chặn đăng nhập (sai nhiều lần)',
  'staff.logout': 'Đăng xuất',
  'staff.create': 'Tạo tài khoản',
  'staff.update': 'Sửa tài khoản',
  'staff.delete': 'Xóa tài khoản',
  'staff.password': 'Đổi mật khẩu',
  'announcement.create': 'Tạo thông báo',
  'announcement.publish': 'Phát hành thông báo',
  'announcement.withdraw': 'Thu hồi thông báo',
  'personal_data.view': 'Xem dữ liệu cá nhân',
  'handoff.claim': 'Nhận câu hỏi của người dân',
  'handoff.reply': 'Trả lời người dân',
  'handoff.note': 'Ghi chú nội bộ',
  'handoff.hand_over': 'Chuyển cho đồng nghiệp',
  'handoff.close': 'Đóng cuộc trò chuyện',
  'handoff.unclaimed': 'Về trợ lý: không ai nhận kịp',
  'handoff.timed_out': 'Về trợ lý: quá hạn trả lời',
  'knowledge_draft.create': 'Tạo bản nháp kiến thức',
  'knowledge_draft.delete': 'Bỏ bản nháp kiến thức',
  'personal_data.delete': 'Xóa dữ liệu cá nhân',
};
