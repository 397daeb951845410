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

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROVINCE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Calendar date and wall time in the province for an instant. */
export function provinceWallTime(at: Date): { date: string; minutesOfDay: number } {
  const parts = Object.fromEntries(dateParts.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutesOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** "YYYY-MM-DD" in Asia/Ho_Chi_Minh. */
export function provinceToday(clock: Clock): string {
  return provinceWallTime(clock.now()).date;
}
