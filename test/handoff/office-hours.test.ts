import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadHolidays } from '../../src/content/holidays.js';
import { addOfficeMinutes, describeOpening, isOpen, nextOpening, parseOfficeHours } from '../../src/domain/office-hours.js';

const hours = parseOfficeHours('Mon-Fri 07:30-11:30,13:30-17:00');
const calendar = { hours, holidays: new Set(['2026-12-08']) };
// 2026-12-07 is a Monday; 07:30 in Hải Phòng is 00:30 UTC.
const at = (iso: string) => new Date(iso);

describe('office hours', () => {
  it('knows when offices are open (Asia/Ho_Chi_Minh), lunch, weekends and holidays closed', () => {
    expect(isOpen(calendar, at('2026-12-07T00:30:00Z'))).toBe(true); // Mon 07:30
    expect(isOpen(calendar, at('2026-12-07T05:00:00Z'))).toBe(false); // Mon 12:00
    expect(isOpen(calendar, at('2026-12-08T02:00:00Z'))).toBe(false); // holiday
    expect(isOpen(calendar, at('2026-12-06T02:00:00Z'))).toBe(false); // Sunday
  });

  it('gives the next opening across a holiday and says it in Vietnamese', () => {
    const next = nextOpening(calendar, at('2026-12-07T10:00:00Z')); // Mon 17:00
    expect(next?.toISOString()).toBe('2026-12-09T00:30:00.000Z');
    expect(describeOpening(next!)).toBe('07:30 thứ Tư 09/12');
  });

  it('adds office minutes skipping lunch, nights and holidays', () => {
    expect(addOfficeMinutes(calendar, at('2026-12-07T04:00:00Z'), 60)?.toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(addOfficeMinutes(calendar, at('2026-12-07T09:30:00Z'), 60)?.toISOString()).toBe('2026-12-09T01:00:00.000Z');
  });

  it('refuses malformed OFFICE_HOURS with a message naming the variable', () => {
    expect(() => loadConfig({ OFFICE_HOURS: 'Mon-Fri 7:30-17' })).toThrow(/OFFICE_HOURS "7:30-17" is not HH:MM-HH:MM/);
    expect(() => loadConfig({ OFFICE_HOURS: 'Mox 07:30-11:30' })).toThrow(/OFFICE_HOURS "Mox" is not a day/);
    expect(() => loadConfig({ OFFICE_HOURS: 'Mon 12:00-11:00' })).toThrow(/ends before it starts/);
    expect(loadConfig({}).OFFICE_HOURS[1]).toEqual([
      { from: 450, to: 690 },
      { from: 810, to: 1020 },
    ]);
  });

  it('loads the public holidays 2026–2027 with their legal basis', async () => {
    const holidays = await loadHolidays('content');
    expect(holidays.map((h) => h.date)).toEqual(expect.arrayContaining(['2026-09-02', '2027-01-01', '2027-04-30']));
    expect(holidays.every((h) => /BLLĐ 2019 Điều 112/.test(h.basis))).toBe(true);
  });
});
