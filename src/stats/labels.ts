import type { ChannelId } from '../citizens/identity.js';

/** How the console and the CSV name what the dashboard counts (Vietnamese, for staff). */
const TOPIC_LABELS: Record<string, string> = {
  fallback: 'Chưa trả lời được',
  human_handoff: 'Muốn gặp cán bộ',
  contact: 'Liên hệ, địa chỉ',
  screening_start: 'Tự đánh giá hộ nghèo',
  poverty_standard: 'Chuẩn nghèo',
  review_process: 'Rà soát hộ nghèo',
  entitlements_overview: 'Quyền lợi chung',
  credit: 'Vay vốn',
  health_insurance: 'Bảo hiểm y tế',
  education: 'Hỗ trợ giáo dục',
  housing: 'Nhà ở',
  vocational_training: 'Học nghề',
  employment: 'Việc làm',
  labour_export: 'Xuất khẩu lao động',
  production_support: 'Hỗ trợ sản xuất',
  nutrition: 'Dinh dưỡng',
  legal_aid: 'Trợ giúp pháp lý',
  information_access: 'Tiếp cận thông tin',
  clean_water_sanitation: 'Nước sạch, vệ sinh',
  poor_fund_donation: 'Quỹ vì người nghèo',
  holiday_gifts: 'Quà Tết, ngày lễ',
  announcements: 'Xem thông báo',
  subscribe: 'Đăng ký nhận thông báo',
  unsubscribe: 'Hủy nhận thông báo',
  privacy: 'Dữ liệu cá nhân',
  unknown: 'Không rõ chủ đề',
};

export const topicLabel = (topic: string): string => TOPIC_LABELS[topic] ?? topic;

export const CHANNEL_LABELS: Record<ChannelId, string> = { web: 'Trang web', zalo: 'Zalo' };

/** Delivery states as the dashboard groups them: queued, sending and waiting for Zalo's window are all "waiting". */
export const REACH_STATES = ['sent', 'failed', 'skipped', 'waiting'] as const;
export type ReachState = (typeof REACH_STATES)[number];
export const REACH_LABELS: Record<ReachState, string> = { sent: 'Đã gửi', failed: 'Lỗi', skipped: 'Bỏ qua', waiting: 'Đang chờ' };

export const OUTCOME_LABELS = { bot: 'Trợ lý trả lời', staff: 'Chuyển cán bộ', unanswered: 'Chưa trả lời được' } as const;
