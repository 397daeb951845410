import { provinceWallTime } from '../clock.js';

/** Minutes of the day in Asia/Ho_Chi_Minh (config QUIET_HOURS); `from > to` wraps past midnight. */
export interface QuietHours {
  fromMinute: number;
  toMinute: number;
}

/** Whether announcements must wait at this instant (citizens are not woken by a Zalo notification at night). */
export function isQuiet(at: Date, quiet: QuietHours | null): boolean {
  if (!quiet || quiet.fromMinute === quiet.toMinute) return false;
  const minute = provinceWallTime(at).minutesOfDay;
  return quiet.fromMinute < quiet.toMinute
    ? minute >= quiet.fromMinute && minute < quiet.toMinute
    : minute >= quiet.fromMinute || minute < quiet.toMinute;
}

/** The instant the current quiet period ends (the start of its last minute + 1), or `at` itself when not quiet. */
export function quietEndsAt(at: Date, quiet: QuietHours | null): Date {
  if (!quiet || !isQuiet(at, quiet)) return at;
  const minute = provinceWallTime(at).minutesOfDay;
  const minutesLeft = (quiet.toMinute - minute + 24 * 60) % (24 * 60);
  const startOfMinute = Math.floor(at.getTime() / 60_000) * 60_000;
  return new Date(startOfMinute + minutesLeft * 60_000);
}
