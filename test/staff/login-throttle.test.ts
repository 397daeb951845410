import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { LoginThrottle } from '../../src/staff/login-throttle.js';

describe('login throttle', () => {
  it('blocks an account after its limit of failures within the window, and frees it as they age out', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { perAccount: 3, perAddress: 100, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('an', '1.1.1.1')).toBe(0);
      throttle.recordFailure('an', '1.1.1.1');
      clock.advance(10_000);
    }
    // Failures at 0 s, 10 s, 20 s; now 30 s: allowed again when the first is 60 s old.
    expect(throttle.retryAfterMs('an', '2.2.2.2')).toBe(30_000);
    expect(throttle.retryAfterMs('binh', '1.1.1.1')).toBe(0);
    clock.advance(30_000);
    expect(throttle.retryAfterMs('an', '1.1.1.1')).toBe(0);
  });

  it('blocks an address that fails over many accounts; a success clears only the account', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, { perAccount: 2, perAddress: 3, windowMs: 60_000 });
    throttle.recordFailure('an', '1.1.1.1');
    throttle.recordFailure('binh', '1.1.1.1');
    throttle.recordFailure('chi', '1.1.1.1');
    expect(throttle.retryAfterMs('dung', '1.1.1.1')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('dung', '9.9.9.9')).toBe(0);

    throttle.recordFailure('an', '9.9.9.9');
    expect(throttle.retryAfterMs('an', '8.8.8.8')).toBeGreaterThan(0);
    throttle.recordSuccess('an');
    expect(throttle.retryAfterMs('an', '8.8.8.8')).toBe(0);
    expect(throttle.retryAfterMs('an', '1.1.1.1')).toBeGreaterThan(0);
  });
});
