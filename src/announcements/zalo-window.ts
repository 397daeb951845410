/**
 * Zalo consultation messages reach a user only within 7 days of their last interaction with the OA (free within
 * 48 hours, billable after; reference §2.4). Outside it Zalo answers -230, so the service does not even try.
 */
export const ZALO_SEND_WINDOW_MS = 7 * 24 * 3_600_000;

export function insideZaloWindow(lastInteractionAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(lastInteractionAt) < ZALO_SEND_WINDOW_MS;
}
