import { provinceWallTime } from '../clock.js';

const DAY_MS = 86_400_000;
const WEEK = /^(\d{4})-W(\d{2})$/;

/** The ISO week ("2026-W49") of a calendar date "YYYY-MM-DD". */
export function isoWeekOfDate(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week of an instant, in Asia/Ho_Chi_Minh: what the statistics count by. */
export function provinceWeek(at: Date): string {
  return isoWeekOfDate(provinceWallTime(at).date);
}

/** The Monday ("YYYY-MM-DD") of an ISO week. */
export function mondayOf(week: string): string {
  const match = WEEK.exec(week);
  if (!match) throw new Error(`not an ISO week: ${week}`);
  const jan4 = Date.UTC(Number(match[1]), 0, 4);
  const firstMonday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(firstMonday + (Number(match[2]) - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
}

/** Every ISO week from `from` to `to`, both included (empty when `to` comes first). */
export function weeksBetween(from: string, to: string): string[] {
  const weeks: string[] = [];
  const end = Date.parse(`${mondayOf(to)}T00:00:00Z`);
  for (let t = Date.parse(`${mondayOf(from)}T00:00:00Z`); t <= end; t += 7 * DAY_MS) {
    weeks.push(isoWeekOfDate(new Date(t).toISOString().slice(0, 10)));
  }
  return weeks;
}

export const isIsoWeek = (text: string) => WEEK.test(text) && Number(text.slice(6)) >= 1 && isoWeekOfDate(mondayOf(text)) === text;
