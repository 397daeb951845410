import { describe, expect, it } from 'vitest';
import { isQuiet, quietEndsAt } from '../../src/announcements/quiet-hours.js';
import { insideZaloWindow } from '../../src/announcements/zalo-window.js';

const NIGHT = { fromMinute: 21 * 60, toMinute: 7 * 60 };
const LUNCH = { fromMinute: 11 * 60 + 30, toMinute: 13 * 60 + 30 };
/** An instant given as wall time in Hải Phòng (UTC+7). */
const at = (local: string) => new Date(`${local}+07:00`);

describe('quiet hours in Asia/Ho_Chi_Minh', () => {
  it.each([
    ['2026-11-28T20:59:59', NIGHT, false],
    ['2026-11-28T21:00:00', NIGHT, true],
    ['2026-11-28T23:59:00', NIGHT, true],
    ['2026-11-29T00:00:00', NIGHT, true],
    ['2026-11-29T06:59:59', NIGHT, true],
    ['2026-11-29T07:00:00', NIGHT, false],
    ['2026-11-28T11:29:00', LUNCH, false],
    ['2026-11-28T11:30:00', LUNCH, true],
    ['2026-11-28T13:30:00', LUNCH, false],
    ['2026-11-28T03:00:00', null, false],
    ['2026-11-28T03:00:00', { fromMinute: 60, toMinute: 60 }, false],
  ] as const)('%s with %j → quiet %s', (local, quiet, expected) => {
    expect(isQuiet(at(local), quiet)).toBe(expected);
  });

  it('ends at the configured minute, the same night or the next morning', () => {
    expect(quietEndsAt(at('2026-11-28T22:15:30'), NIGHT)).toEqual(at('2026-11-29T07:00:00'));
    expect(quietEndsAt(at('2026-11-29T06:59:10'), NIGHT)).toEqual(at('2026-11-29T07:00:00'));
    expect(quietEndsAt(at('2026-11-28T12:00:00'), LUNCH)).toEqual(at('2026-11-28T13:30:00'));
    const notQuiet = at('2026-11-28T10:00:00');
    expect(quietEndsAt(notQuiet, NIGHT)).toBe(notQuiet);
  });
});

describe("Zalo's 7-day window", () => {
  it('is open for 7 days after the last interaction, and closed from then on', () => {
    const last = '2026-11-21T03:00:00.000Z';
    expect(insideZaloWindow(last, new Date('2026-11-28T02:59:59.999Z'))).toBe(true);
    expect(insideZaloWindow(last, new Date('2026-11-28T03:00:00.000Z'))).toBe(false);
  });
});
