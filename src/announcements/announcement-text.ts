import { CITY_LABEL } from '../domain/commune-label.js';
import type { AnnouncementRecord } from '../storage/records.js';

/** The sentence every Zalo announcement ends with: how to stop them (the chat understands it). */
export const UNSUBSCRIBE_HINT = 'Nhắn "hủy đăng ký" để ngừng nhận thông báo.';

/**
 * The text a subscriber receives on Zalo. The sender is the commune the citizen subscribed to, or the city for an
 * announcement to all communes. The Zalo client splits it into messages of at most 2,000 characters.
 */
export function zaloAnnouncementText(
  announcement: Pick<AnnouncementRecord, 'title' | 'body' | 'communes'>,
  subscriberCommuneLabel: string | null,
): string {
  const from = announcement.communes === 'all' || !subscriberCommuneLabel ? CITY_LABEL : subscriberCommuneLabel;
  return `📢 Thông báo của UBND ${from}\n${announcement.title}\n\n${announcement.body}\n\n${UNSUBSCRIBE_HINT}`;
}
