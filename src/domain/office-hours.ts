/**
 * When commune staff work: weekly opening hours (Asia/Ho_Chi_Minh wall time) minus public holidays. Pure: the hours
 * come from OFFICE_HOURS (parsed here, validated by config.ts), the holidays from content/holidays.yaml.
 */
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const VI_DAY_NAMES = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const UTC_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Far enough to cross the longest run of holidays (Tết and two weekends). */
const MAX_DAYS_AHEAD = 60;

/** Opening intervals per weekday (0 = Sunday), in minutes of the day, sorted. */
export type WeeklyHours = readonly (readonly { from: number; to: number }[])[];

export interface OfficeCalendar {
  hours: WeeklyHours;
  /** YYYY-MM-DD dates the offices are closed. */
  holidays: ReadonlySet<string>;
}

/**
 * Parses "Mon-Fri 07:30-11:30,13:30-17:00" (groups separated by ";", e.g. "…; Sat 07:30-11:30"). Throws an Error
 * whose message says what is wrong.
 */
export function parseOfficeHours(text: string): WeeklyHours {
  const week: { from: number; to: number }[][] = DAY_NAMES.map(() => []);
  const groups = text.split(';').map((g) => g.trim()).filter(Boolean);
  if (groups.length === 0) throw new Error('is empty; use e.g. "Mon-Fri 07:30-11:30,13:30-17:00"');
  for (const group of groups) {
    const match = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(.+)$/.exec(group);
    if (!match) throw new Error(`"${group}" is not "Day[-Day] HH:MM-HH:MM[,HH:MM-HH:MM]"`);
    const first = dayIndex(match[1]!);
    const last = match[2] ? dayIndex(match[2]) : first;
    const intervals = match[3]!.split(',').map((part) => interval(part.trim()));
    for (let day = first; ; day = (day + 1) % 7) {
      week[day]!.push(...intervals);
      if (day === last) break;
    }
  }
  for (const day of week) {
    day.sort((a, b) => a.from - b.from);
    for (let i = 1; i < day.length; i++) {
      if (day[i]!.from < day[i - 1]!.to) throw new Error('has overlapping intervals on the same day');
    }
  }
  return week;
}

function dayIndex(name: string): number {
  const index = DAY_NAMES.indexOf(name.toLowerCase() as (typeof DAY_NAMES)[number]);
  if (index < 0) throw new Error(`"${name}" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`);
  return index;
}

function interval(text: string): { from: number; to: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not HH:MM-HH:MM`);
  const from = Number(match[1]) * 60 + Number(match[2]);
  const to = Number(match[3]) * 60 + Number(match[4]);
  if (to <= from || to > 24 * 60) throw new Error(`"${text}" ends before it starts`);
  return { from, to };
}

/** The province's midnight (as an instant) of the day `at` falls on. */
function dayStart(at: number): number {
  return Math.floor((at + UTC_OFFSET_MS) / DAY_MS) * DAY_MS - UTC_OFFSET_MS;
}

/** Opening intervals of the day starting at `start` (an instant at the province's midnight), as instants. */
function openingsOf(calendar: OfficeCalendar, start: number): { from: number; to: number }[] {
  const shifted = new Date(start + UTC_OFFSET_MS);
  if (calendar.holidays.has(shifted.toISOString().slice(0, 10))) return [];
  return (calendar.hours[shifted.getUTCDay()] ?? []).map((i) => ({ from: start + i.from * 60_000, to: start + i.to * 60_000 }));
}

export function isOpen(calendar: OfficeCalendar, at: Date): boolean {
  const t = at.getTime();
  return openingsOf(calendar, dayStart(t)).some((i) => i.from <= t && t < i.to);
}

/** `at` itself when the offices are open, else the next opening; null when none within two months. */
export function nextOpening(calendar: OfficeCalendar, at: Date): Date | null {
  const t = at.getTime();
  for (let day = 0, start = dayStart(t); day < MAX_DAYS_AHEAD; day++, start += DAY_MS) {
    for (const i of openingsOf(calendar, start)) {
      if (t < i.to) return new Date(Math.max(t, i.from));
    }
  }
  return null;
}

/** The instant `minutes` of opening hours after `at` (counting only open time); null when the calendar has none. */
export function addOfficeMinutes(calendar: OfficeCalendar, at: Date, minutes: number): Date | null {
  let left = minutes * 60_000;
  const t = at.getTime();
  for (let day = 0, start = dayStart(t); day < MAX_DAYS_AHEAD; day++, start += DAY_MS) {
    for (const i of openingsOf(calendar, start)) {
      const from = Math.max(t, i.from);
      if (from >= i.to) continue;
      if (from + left <= i.to) return new Date(from + left);
      left -= i.to - from;
    }
  }
  return null;
}

/** "07:30 thứ Hai 08/12" (the province's wall time), for telling a citizen when staff are back. */
export function describeOpening(at: Date): string {
  const shifted = new Date(at.getTime() + UTC_OFFSET_MS);
  const hh = String(shifted.getUTCHours()).padStart(2, '0');
  const mm = String(shifted.getUTCMinutes()).padStart(2, '0');
  const dd = String(shifted.getUTCDate()).padStart(2, '0');
  const mo = String(shifted.getUTCMonth() + 1).padStart(2, '0');
  return `${hh}:${mm} ${VI_DAY_NAMES[shifted.getUTCDay()]} ${dd}/${mo}`;
}
