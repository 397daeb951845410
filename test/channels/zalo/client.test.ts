import { afterEach, describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../../src/storage/records.js';
import { startZaloTestBed, type ZaloTestBed } from './support/setup.js';
import { LONG_ANSWER } from './support/zalo-service.js';

let bed: ZaloTestBed;
afterEach(async () => {
  await bed?.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;
const storedToken = async () => (await bed.dataFile<TokenRecord>('tokens'))[0]!;

describe('Zalo tokens', () => {
  it('refreshes an expired access token once, persists the rotated pair, and the reply still arrives', async () => {
    bed = await startZaloTestBed();
    const seed = bed.mock.currentRefreshToken;
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText('3000000000000000001', 'xin chào');
    await bed.mock.waitForMessages('3000000000000000001', 1);
    await bed.settle();

    expect(bed.mock.tokenRequests).toEqual([{ refreshToken: seed, accepted: true }]);
    const stored = await storedToken();
    expect(stored.refreshToken).toBe(bed.mock.currentRefreshToken);
    expect(stored.refreshToken).not.toBe(seed);
    // expires_in arrives as the string "90000".
    expect(Date.parse(stored.accessTokenExpiresAt!) - bed.clock.now().getTime()).toBe(90_000 * 1000);
    expect(stored.alert).toBeNull();
  });

  it('refreshes once for many concurrent sends that all hit the expired token', async () => {
    bed = await startZaloTestBed();
    bed.mock.expireAccessTokens();
    const users = Array.from({ length: 8 }, (_, i) => `30000000000000001${i}`);
    await Promise.all(users.map((u) => bed.mock.userSendsText(u, 'xin chào')));
    await bed.settle();
    for (const u of users) expect(bed.mock.messagesTo(u)).toHaveLength(1);
    expect(bed.mock.tokenRequests.filter((r) => r.accepted)).toHaveLength(1);
  });

  it('refreshes ahead of expiry, and after a restart uses the stored pair rather than the environment’s', async () => {
    bed = await startZaloTestBed({ mock: { accessTokenTtlSeconds: 3 * 60 * 60 } });
    const userId = '3000000000000000002';
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.tokenRequests).toHaveLength(1);

    // Two hours before expiry the next send refreshes first (no -216 needed).
    bed.clock.advance(65 * 60 * 1000);
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.tokenRequests.map((r) => r.accepted)).toEqual([true, true]);

    await bed.restart();
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.messagesTo(userId)).toHaveLength(3);
    expect(bed.mock.tokenRequests.map((r) => r.accepted)).toEqual([true, true, true]);
    expect((await storedToken()).alert).toBeNull();
  });

  it('raises an alert instead of looping when the refresh token was already used', async () => {
    bed = await startZaloTestBed({ env: { ZALO_REFRESH_TOKEN: 'already-rotated-refresh-token' } });
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText('3000000000000000003', 'xin chào');
    await bed.mock.userSendsText('3000000000000000004', 'xin chào');
    await bed.settle();
    const result = await bed.service.channel.sender.sendText('3000000000000000003', 'Thử lại');

    expect(bed.mock.messages).toEqual([]);
    expect(bed.mock.tokenRequests).toEqual([{ refreshToken: 'already-rotated-refresh-token', accepted: false }]);
    expect(result).toMatchObject({ ok: false, kind: 'token', code: null, retryable: false });
    const stored = await storedToken();
    expect(stored.alert).toMatch(/^Zalo từ chối làm mới quyền truy cập/);
    expect(stored.accessToken).toBeNull();

    // An admin grants again and puts the new refresh token in the environment: sending resumes.
    await bed.restart({ ZALO_REFRESH_TOKEN: bed.mock.currentRefreshToken });
    await bed.mock.userSendsText('3000000000000000003', 'xin chào');
    await bed.mock.waitForMessages('3000000000000000003', 1);
    expect((await storedToken()).alert).toBeNull();
  });
});

describe('Zalo sending', () => {
  it('records -230 (outside the 7-day window) with Zalo’s reason and does not retry it', async () => {
    bed = await startZaloTestBed();
    const userId = '3000000000000000005';
    bed.mock.setUser(userId, { lastInteractionAt: bed.clock.now().getTime() - 8 * DAY_MS });
    const result = await bed.service.channel.sender.sendText(userId, 'Thông báo lịch bình xét hộ nghèo.');
    expect(result).toMatchObject({ ok: false, code: -230, kind: 'outside_window', retryable: false, sent: 0 });
    expect(result.ok || result.reason).toMatch(/-230.*7 days/);
    expect(bed.mock.sendAttempts.filter((a) => a.userId === userId)).toEqual([{ userId, error: -230 }]);
  });

  it('gives up at once on -213 for a user who does not follow the OA', async () => {
    bed = await startZaloTestBed();
    const userId = '3000000000000000006';
    bed.mock.setUser(userId, { follower: false, lastInteractionAt: bed.clock.now().getTime() });
    const result = await bed.service.channel.sender.sendText(userId, 'Xin chào');
    expect(result).toMatchObject({ ok: false, code: -213, kind: 'not_follower', retryable: false });
    expect(bed.mock.sendAttempts).toHaveLength(1);
  });

  it('retries -32 with back-off until Zalo accepts, and -200 only once', async () => {
    bed = await startZaloTestBed();
    const userId = '3000000000000000007';
    bed.mock.setUser(userId, { lastInteractionAt: bed.clock.now().getTime() });
    bed.mock.failNextSends(-32, 2);
    expect(await bed.service.channel.sender.sendText(userId, 'Một')).toMatchObject({ ok: true });
    expect(bed.mock.sendAttempts.map((a) => a.error)).toEqual([-32, -32, 0]);

    bed.mock.failNextSends(-200, 2);
    const failed = await bed.service.channel.sender.sendText(userId, 'Hai');
    expect(failed).toMatchObject({ ok: false, code: -200, kind: 'send_failed', retryable: true });
    expect(bed.mock.sendAttempts.map((a) => a.error)).toEqual([-32, -32, 0, -200, -200]);
    expect(bed.mock.messagesTo(userId)).toHaveLength(1);
  });

  it('stops calling while Zalo reports its per-minute quota spent', async () => {
    bed = await startZaloTestBed({ mock: { rateLimitPerMinute: 2 }, service: { retry: { attempts: 1, baseDelayMs: 1, exhaustedPauseMs: 20 } } });
    const userId = '3000000000000000008';
    bed.mock.setUser(userId, { lastInteractionAt: bed.clock.now().getTime() });
    const sender = bed.service.channel.sender;
    expect((await sender.sendText(userId, 'Một')).ok).toBe(true);
    expect((await sender.sendText(userId, 'Hai')).ok).toBe(true);
    expect(await sender.sendText(userId, 'Ba')).toMatchObject({ ok: false, code: -32, kind: 'rate_limited', retryable: true });
    bed.clock.advance(60_000);
    expect((await sender.sendText(userId, 'Ba')).ok).toBe(true);
  });

  it('splits a 5,000-character answer into messages of at most 2,000 characters at sentence ends', async () => {
    bed = await startZaloTestBed();
    const userId = '3000000000000000009';
    expect(LONG_ANSWER.length).toBeGreaterThanOrEqual(5000);
    await bed.mock.userSendsText(userId, 'cho tôi biết chi tiết');
    await bed.settle();
    const parts = bed.mock.messagesTo(userId).map((m) => m.text);
    expect(parts.length).toBe(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part).toMatch(/^Điều \d+:/);
      expect(part).toMatch(/[.?!]$/);
      expect(part).toBe(part.normalize('NFC'));
    }
    expect(parts.join(' ')).toBe(LONG_ANSWER);
  });
});
