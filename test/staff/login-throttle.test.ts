import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { LoginThrottle } from '../../src/staff/login-throttle.js';

const LIMITS = { freePerPair: 3, freePerAddress: 5, firstDelayMs: 1000, maxDelayMs: 8000, windowMs: 60_000 };

describe('login throttle', () => {
  it('lets the free failures through, then doubles the wait after each further failure, up to the longest', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      clock.advance(throttle.retryAfterMs('an', '1.1.1.1'));
      waits.push(throttle.recordFailure('an', '1.1.1.1'));
    }
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(throttle.retryAfterMs('an', '1.1.1.1')).toBe(8000);
    clock.advance(60_000);
    expect(throttle.retryAfterMs('an', '1.1.1.1')).toBe(0);
  });

  it('never holds back the account from another address, however many failures one address piles up', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS);
    for (let i = 0; i < 50; i++) {
      throttle.recordFailure('an', '1.1.1.1');
      clock.advance(throttle.retryAfterMs('an', '1.1.1.1'));
    }
    expect(throttle.retryAfterMs('an', '2.2.2.2')).toBe(0);
  });

  it('holds back an address that fails over many accounts; a success clears only its own pair', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS);
    for (const name of ['an', 'binh', 'chi', 'dung', 'em', 'giao']) throttle.recordFailure(name, '1.1.1.1');
    expect(throttle.retryAfterMs('giang', '1.1.1.1')).toBe(1000);
    expect(throttle.retryAfterMs('giang', '9.9.9.9')).toBe(0);

    for (let i = 0; i < 4; i++) throttle.recordFailure('hoa', '9.9.9.9');
    expect(throttle.retryAfterMs('hoa', '9.9.9.9')).toBe(1000);
    throttle.recordSuccess('hoa', '9.9.9.9');
    expect(throttle.retryAfterMs('hoa', '9.9.9.9')).toBe(0);
    expect(throttle.retryAfterMs('giang', '1.1.1.1')).toBe(1000);
  });
});
