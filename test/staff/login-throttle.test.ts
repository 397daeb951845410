import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { RedisFailureLog } from '../../src/shared-state/redis-failure-log.js';
import { type FailureLog, LoginThrottle, MemoryFailureLog } from '../../src/staff/login-throttle.js';
import { openTestRedis } from '../support/redis.js';

const LIMITS = { freePerPair: 3, freePerAddress: 5, firstDelayMs: 1000, maxDelayMs: 8000, windowMs: 60_000 };

const redis = await openTestRedis('login-throttle');
afterAll(() => redis.cleanUp());

// Each test's Redis log has keys of its own.
let logs = 0;
const redisLog = () => new RedisFailureLog({ ...redis, prefix: `${redis.prefix}${++logs}:` });

// The same rules whether one instance counts in memory or every instance counts in Redis.
describe.each([
  ['in memory', () => new MemoryFailureLog()],
  ['in Redis', redisLog],
] as [string, () => FailureLog][])('login throttle (%s)', (_name, failureLog) => {
  it('lets the free failures through, then doubles the wait after each further failure, up to the longest', async () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS, failureLog());
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      clock.advance(await throttle.retryAfterMs('an', '1.1.1.1'));
      waits.push(await throttle.recordFailure('an', '1.1.1.1'));
    }
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(await throttle.retryAfterMs('an', '1.1.1.1')).toBe(8000);
    clock.advance(60_000);
    expect(await throttle.retryAfterMs('an', '1.1.1.1')).toBe(0);
  });

  it('never holds back the account from another address, however many failures one address piles up', async () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS, failureLog());
    for (let i = 0; i < 50; i++) {
      await throttle.recordFailure('an', '1.1.1.1');
      clock.advance(await throttle.retryAfterMs('an', '1.1.1.1'));
    }
    expect(await throttle.retryAfterMs('an', '2.2.2.2')).toBe(0);
  });

  it('holds back an address that fails over many accounts; a success clears only its own pair', async () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock, LIMITS, failureLog());
    for (const name of ['an', 'binh', 'chi', 'dung', 'em', 'giao']) await throttle.recordFailure(name, '1.1.1.1');
    expect(await throttle.retryAfterMs('giang', '1.1.1.1')).toBe(1000);
    expect(await throttle.retryAfterMs('giang', '9.9.9.9')).toBe(0);

    for (let i = 0; i < 4; i++) await throttle.recordFailure('hoa', '9.9.9.9');
    expect(await throttle.retryAfterMs('hoa', '9.9.9.9')).toBe(1000);
    await throttle.recordSuccess('hoa', '9.9.9.9');
    expect(await throttle.retryAfterMs('hoa', '9.9.9.9')).toBe(0);
    expect(await throttle.retryAfterMs('giang', '1.1.1.1')).toBe(1000);
  });
});

it('counts the failures seen by two instances together when they share Redis', async () => {
  const clock = new ManualClock();
  const [first, second] = [new LoginThrottle(clock, LIMITS, new RedisFailureLog(redis)), new LoginThrottle(clock, LIMITS, new RedisFailureLog(redis))];
  for (let i = 0; i < 3; i++) await (i % 2 ? second : first).recordFailure('lan', '5.5.5.5');
  // The fourth failure, on either instance, is one beyond the free three.
  expect(await second.recordFailure('lan', '5.5.5.5')).toBe(1000);
  expect(await first.retryAfterMs('lan', '5.5.5.5')).toBe(1000);
});
