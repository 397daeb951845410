/**
 * The one source of "now". The province lives in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), so "today"
 * is computed in that zone whatever the server's TZ is. Tests inject a ManualClock and move it.
 */
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string = '2026-11-28T03:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/**
 * Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, so wall time is plain arithmetic: far cheaper
 * than Intl on the per-message path (a test checks it against Intl across a year).
 */
const PROVINCE_UTC_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The last minute asked for: every message asks for "today", and most messages of a minute share it. */
let lastMinute: { minute: number; wallTime: { date: string; minutesOfDay: number } } | null = null;

/** Calendar date and wall time in the province for an instant. */
export function provinceWallTime(at: Date): { date: string; minutesOfDay: number } {
  const minute = Math.floor(at.getTime() / 60_000);
  if (lastMinute?.minute === minute) return { ...lastMinute.wallTime };
  const shifted = new Date(at.getTime() + PROVINCE_UTC_OFFSET_MS);
  const wallTime = {
    date: shifted.toISOString().slice(0, 10),
    minutesOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
  lastMinute = { minute, wallTime };
  return { ...wallTime };
}

/** "YYYY-MM-DD" in Asia/Ho_Chi_Minh. */
export function provinceToday(clock: Clock): string {
  return provinceWallTime(clock.now()).date;
}
