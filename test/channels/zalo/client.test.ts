import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RetryPolicy, ZaloClient } from '../../../src/channels/zalo/client.js';
import { ZaloTokenManager } from '../../../src/channels/zalo/token-manager.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig, zaloSettings } from '../../../src/config.js';
import type { TokenRecord } from '../../../src/storage/records.js';
import { MockZalo, type MockZaloOptions } from '../../support/mock-zalo/server.js';
import { openTestStorage } from '../../support/storage.js';
import { startZaloTestBed, type ZaloTestBed } from './support/setup.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function testBed(options: Parameters<typeof startZaloTestBed>[0] = {}): Promise<ZaloTestBed> {
  const bed = await startZaloTestBed(options);
  cleanup.push(() => bed.close());
  return bed;
}
const storedToken = async (bed: ZaloTestBed) => (await bed.dataFile<TokenRecord>('tokens'))[0]!;

/** The client alone (real token manager, real storage) against the mock: for the send outcomes. */
async function clientAgainstMock(
  options: { mock?: MockZaloOptions; retry?: Partial<RetryPolicy>; env?: Record<string, string> } = {},
) {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const mock = await MockZalo.start({ clock, ...options.mock });
  const dataDir = await mkdtemp(join(tmpdir(), 'zalo-client-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }), () => mock.close());
  const storage = await openTestStorage(dataDir);
  const settings = zaloSettings(loadConfig({ ...mock.env(), ...options.env }))!;
  // Log lines are kept for the alert tests.
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const tokens = new ZaloTokenManager({ settings, repo: storage.tokens, clock, log });
  const client = new ZaloClient({ settings, tokens, log, retry: { baseDelayMs: 2, ...options.retry } });
  const user = (userId: string, patch: { follower?: boolean; lastInteractionAt?: number } = {}) =>
    mock.setUser(userId, { lastInteractionAt: clock.now().getTime(), ...patch });
  return { mock, client, tokens, clock, user, lines, storage, log, settings };
}

describe('Zalo tokens', () => {
  it('refreshes an expired access token once, persists the rotated pair, and the reply still arrives', async () => {
    const bed = await testBed();
    const seed = bed.mock.currentRefreshToken;
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText('3000000000000000001', 'xin chào');
    await bed.settle();

    expect(bed.mock.messagesTo('3000000000000000001').length).toBeGreaterThan(0);
    expect(bed.mock.tokenRequests).toEqual([{ refreshToken: seed, accepted: true }]);
    const stored = await storedToken(bed);
    expect(stored.refreshToken).toBe(bed.mock.currentRefreshToken);
    expect(stored.refreshToken).not.toBe(seed);
    // expires_in arrives as the string "90000".
    expect(Date.parse(stored.accessTokenExpiresAt!) - bed.clock.now().getTime()).toBe(90_000 * 1000);
    expect(stored.alert).toBeNull();
  });

  it('refreshes once for many concurrent replies that all meet the expired token', async () => {
    const bed = await testBed();
    bed.mock.expireAccessTokens();
    const users = Array.from({ length: 8 }, (_, i) => `30000000000000001${i}`);
    await Promise.all(users.map((u) => bed.mock.userSendsText(u, 'xin chào')));
    await bed.settle();
    for (const u of users) expect(bed.mock.messagesTo(u).length).toBeGreaterThan(0);
    expect(bed.mock.tokenRequests.filter((r) => r.accepted)).toHaveLength(1);
  });

  it('refreshes ahead of expiry, and after a restart uses the stored pair rather than the environment’s', async () => {
    const bed = await testBed({ mock: { accessTokenTtlSeconds: 3 * 60 * 60 } });
    const userId = '3000000000000000002';
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.tokenRequests).toHaveLength(1);

    // Within two hours of expiry the next send refreshes first, without waiting for a -216.
    bed.clock.advance(65 * 60 * 1000);
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.tokenRequests.map((r) => r.accepted)).toEqual([true, true]);

    await bed.restart();
    bed.mock.expireAccessTokens();
    const before = bed.mock.messagesTo(userId).length;
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.messagesTo(userId).length).toBeGreaterThan(before);
    expect(bed.mock.tokenRequests.map((r) => r.accepted)).toEqual([true, true, true]);
    expect((await storedToken(bed)).alert).toBeNull();
  });

  it('raises an alert instead of looping when the refresh token was already used, until a new one is given', async () => {
    const bed = await testBed({ env: { ZALO_REFRESH_TOKEN: 'already-rotated-refresh-token' } });
    bed.mock.expireAccessTokens();
    await bed.mock.userSendsText('3000000000000000003', 'xin chào');
    await bed.mock.userSendsText('3000000000000000004', 'xin chào');
    await bed.settle();

    expect(bed.mock.messages).toEqual([]);
    expect(bed.mock.tokenRequests).toEqual([{ refreshToken: 'already-rotated-refresh-token', accepted: false }]);
    const stored = await storedToken(bed);
    expect(stored.alert).toMatch(/^Zalo từ chối làm mới quyền truy cập/);
    expect(stored.accessToken).toBeNull();

    // An admin grants the app again and puts the new refresh token in the environment: sending resumes.
    await bed.restart({ ZALO_REFRESH_TOKEN: bed.mock.currentRefreshToken });
    await bed.mock.userSendsText('3000000000000000003', 'xin chào');
    await bed.settle();
    expect(bed.mock.messagesTo('3000000000000000003').length).toBeGreaterThan(0);
    expect((await storedToken(bed)).alert).toBeNull();
  });

  it('classifies a refused secret key (-14004) as configuration: an alert that names ZALO_APP_SECRET, the refresh token kept for the next start', async () => {
    const { mock, tokens, lines, storage, clock, log, settings } = await clientAgainstMock({ env: { ZALO_APP_SECRET: 'khoa-bi-mat-sai' } });
    const refreshToken = mock.currentRefreshToken;
    await expect(tokens.keepFresh()).rejects.toThrow(/ZALO_APP_SECRET/);
    const stored = (await storage.tokens.get())!;
    expect(stored).toMatchObject({ refusal: 'configuration', refreshToken, accessToken: null });
    expect(stored.alert).toMatch(/^Zalo từ chối ZALO_APP_SECRET \(mã lỗi -14004\).*kiểm tra ZALO_APP_SECRET/);
    expect(lines.filter((l) => l.alert === 'zalo_token')).toEqual([
      expect.objectContaining({ level: 50, refusal: 'configuration', zaloError: -14004, msg: expect.stringContaining('check ZALO_APP_SECRET, then restart') }),
    ]);

    // The secret fixed, the next start refreshes with the same refresh token.
    const fixed = new ZaloTokenManager({ settings: { ...settings, appSecret: mock.appSecret }, repo: storage.tokens, clock, log });
    await fixed.keepFresh();
    expect(mock.tokenRequests).toEqual([
      { refreshToken, accepted: false },
      { refreshToken, accepted: true },
    ]);
    expect((await storage.tokens.get())!.alert).toBeNull();
  });

  it('classifies a used or unknown refresh token as dead: the alert line says an OA admin must grant the app again', async () => {
    const { tokens, lines, storage } = await clientAgainstMock({ env: { ZALO_REFRESH_TOKEN: 'da-dung-roi' } });
    await expect(tokens.keepFresh()).rejects.toThrow();
    expect((await storage.tokens.get())!.refusal).toBe('dead_token');
    expect(lines.filter((l) => l.alert === 'zalo_token')).toEqual([
      expect.objectContaining({ level: 50, refusal: 'dead_token', msg: expect.stringContaining('an OA admin grants the app again') }),
    ]);
  });

  it('keeps the pair fresh without traffic: a seeded token of unknown expiry is replaced once, then only near expiry', async () => {
    const { mock, tokens, clock } = await clientAgainstMock();
    await tokens.keepFresh();
    await tokens.keepFresh();
    expect(mock.tokenRequests.map((r) => r.accepted)).toEqual([true]);
    clock.advance(23 * 60 * 60 * 1000 + 1);
    await tokens.keepFresh();
    expect(mock.tokenRequests.map((r) => r.accepted)).toEqual([true, true]);
  });

  it('reports a refused refresh to callers as not retryable, without asking Zalo again', async () => {
    const { mock, client, user } = await clientAgainstMock({ env: { ZALO_REFRESH_TOKEN: 'already-rotated-refresh-token' } });
    user('3000000000000000005');
    mock.expireAccessTokens();
    for (const text of ['Một', 'Hai']) {
      expect(await client.sendText('3000000000000000005', text)).toMatchObject({ ok: false, kind: 'token', code: null, retryable: false });
    }
    expect(mock.tokenRequests).toHaveLength(1);
  });
});

describe('Zalo sending', () => {
  it('records -230 (outside the 7-day window) with Zalo’s reason and does not retry it', async () => {
    const { mock, client, clock, user } = await clientAgainstMock();
    const userId = '3000000000000000005';
    user(userId, { lastInteractionAt: clock.now().getTime() - 8 * DAY_MS });
    const result = await client.sendText(userId, 'Thông báo lịch bình xét hộ nghèo.');
    expect(result).toMatchObject({ ok: false, code: -230, kind: 'outside_window', retryable: false, sent: 0 });
    expect(result.ok || result.reason).toMatch(/-230.*7 days/);
    expect(mock.sendAttempts).toEqual([{ userId, error: -230 }]);
  });

  it('sends to a user who does not follow the OA but wrote within 7 days, as Zalo does', async () => {
    const { mock, client, user, clock } = await clientAgainstMock();
    user('3000000000000000007', { follower: false });
    expect(await client.sendText('3000000000000000007', 'Xin chào')).toMatchObject({ ok: true });
    // The raw answer carries the send time and the quota it was counted against.
    const raw = await fetch(`${mock.url}/v3.0/oa/message/cs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', access_token: mock.env().ZALO_ACCESS_TOKEN! },
      body: JSON.stringify({ recipient: { user_id: '3000000000000000007' }, message: { text: 'Lần hai' } }),
    });
    expect((await raw.json()).data).toMatchObject({ user_id: '3000000000000000007', sent_time: String(clock.now().getTime()), quota: { quota_type: 'reply' } });
  });

  it('gives up at once on -213 for a user who does not follow the OA and has not written within 7 days', async () => {
    const { mock, client, user, clock } = await clientAgainstMock();
    user('3000000000000000006', { follower: false, lastInteractionAt: clock.now().getTime() - 8 * DAY_MS });
    const result = await client.sendText('3000000000000000006', 'Xin chào');
    expect(result).toMatchObject({ ok: false, code: -213, kind: 'not_follower', retryable: false });
    expect(mock.sendAttempts).toHaveLength(1);
  });

  it('retries -32 with back-off until Zalo accepts, and -200 only once', async () => {
    const { mock, client, user } = await clientAgainstMock();
    const userId = '3000000000000000007';
    user(userId);
    mock.failNextSends(-32, 2);
    expect(await client.sendText(userId, 'Một')).toMatchObject({ ok: true, messageId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(mock.sendAttempts.map((a) => a.error)).toEqual([-32, -32, 0]);

    mock.failNextSends(-200, 2);
    expect(await client.sendText(userId, 'Hai')).toMatchObject({ ok: false, code: -200, kind: 'send_failed', retryable: true });
    expect(mock.sendAttempts.map((a) => a.error)).toEqual([-32, -32, 0, -200, -200]);
    expect(mock.messagesTo(userId)).toHaveLength(1);
  });

  it('holds its calls while Zalo reports the per-minute quota spent', async () => {
    const { client, clock, user } = await clientAgainstMock({
      mock: { rateLimitPerMinute: 2 },
      retry: { attempts: 1, exhaustedPauseMs: 20 },
    });
    const userId = '3000000000000000008';
    user(userId);
    expect((await client.sendText(userId, 'Một')).ok).toBe(true);
    expect((await client.sendText(userId, 'Hai')).ok).toBe(true);
    expect(await client.sendText(userId, 'Ba')).toMatchObject({ ok: false, code: -32, kind: 'rate_limited', retryable: true });
    clock.advance(60_000);
    expect((await client.sendText(userId, 'Ba')).ok).toBe(true);
  });

  it('splits a 5,000-character answer into messages of at most 2,000 characters at sentence ends', async () => {
    const { mock, client, user } = await clientAgainstMock();
    const userId = '3000000000000000009';
    user(userId);
    const sentences: string[] = [];
    for (let i = 1; sentences.join(' ').length < 5000; i++) {
      sentences.push(`Điều ${i}: hộ nghèo được hỗ trợ vay vốn ưu đãi, bảo hiểm y tế và học nghề${['.', '?', '!'][i % 3]}`);
    }
    const answer = sentences.join(' ').normalize('NFD');
    expect(await client.sendText(userId, { text: answer })).toMatchObject({ ok: true });
    const parts = mock.messagesTo(userId).map((m) => m.text);
    expect(parts).toHaveLength(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part).toMatch(/^Điều \d+:/);
      expect(part).toMatch(/[.?!]$/);
      expect(part).toBe(part.normalize('NFC'));
    }
    expect(parts.join(' ')).toBe(answer.normalize('NFC'));
  });
});

describe('Zalo conversation history', () => {
  it('lists the OA’s messages since a time with their texts, page by page, and says it cannot tell when 5 pages do not reach back', async () => {
    const { mock, client, clock, user } = await clientAgainstMock();
    const userId = '3000000000000000010';
    user(userId);
    const since = clock.now().getTime();
    expect(await client.oaMessagesSince(userId, since)).toEqual([]);
    for (const text of ['Một', 'Hai']) await client.sendText(userId, { text });
    expect(await client.oaMessagesSince(userId, since)).toEqual(expect.arrayContaining([{ text: 'Một' }, { text: 'Hai' }]));
    expect(await client.oaMessagesSince(userId, since)).toHaveLength(2);
    for (let i = 0; i < 10; i++) await client.sendText(userId, { text: `Tin ${i}` });
    // Twelve messages, all since `since`: a second page reaches back.
    expect(await client.oaMessagesSince(userId, since)).toHaveLength(12);
    for (let i = 10; i < 48; i++) await client.sendText(userId, { text: `Tin ${i}` });
    // Fifty, all since `since`: five pages may not reach back to it.
    expect(mock.messagesTo(userId)).toHaveLength(50);
    expect(await client.oaMessagesSince(userId, since)).toBeNull();
    expect(await client.oaMessagesSince(userId, since + 60_000)).toEqual([]);
  });
});
