import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/channels/zalo/rate-limiter.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
/** Time stands still until the test moves it; waiting only lets the event loop turn. */
const frozen = () => {
  const time = { at: 0, now: () => time.at, sleep: tick };
  return time;
};

describe('RateLimiter', () => {
  it('lets the configured number of calls through per minute, then makes the next one wait for its share', async () => {
    const time = frozen();
    const limiter = new RateLimiter(120, time);
    for (let i = 0; i < 120; i++) await limiter.take();
    let released = false;
    const next = limiter.take().then(() => {
      released = true;
    });
    await tick();
    expect(released).toBe(false);
    time.at += 500; // 120 per minute: one call every 500 ms
    await next;
    expect(released).toBe(true);
  });

  it('holds every caller while paused', async () => {
    const time = frozen();
    const limiter = new RateLimiter(1000, time);
    limiter.pause(10_000);
    let released = false;
    const next = limiter.take().then(() => {
      released = true;
    });
    await tick();
    expect(released).toBe(false);
    time.at += 10_000;
    await next;
    expect(released).toBe(true);
  });
});
