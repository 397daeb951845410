import { describe, expect, it } from 'vitest';
import { ManualClock, PROVINCE_TIME_ZONE, provinceToday, provinceWallTime } from '../../src/clock.js';

// One formatter for all the comparisons: making one is most of the cost of a call.
const provinceFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROVINCE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const viaIntl = (at: Date) => {
  const parts = Object.fromEntries(
    provinceFormat
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutesOfDay: Number(parts.hour) * 60 + Number(parts.minute) };
};

describe('province time', () => {
  it('agrees with the time-zone database every 37 minutes across 2026–2027', () => {
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2028-01-01T00:00:00Z'); t += 37 * 60_000) {
      const at = new Date(t);
      expect(provinceWallTime(at)).toEqual(viaIntl(at));
    }
  });

  it('turns the day at 17:00 UTC: 31/12/2026 23:59 and 1/1/2027 00:00 in Hải Phòng', () => {
    expect(provinceToday(new ManualClock('2026-12-31T16:59:59Z'))).toBe('2026-12-31');
    expect(provinceToday(new ManualClock('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
  });
});
