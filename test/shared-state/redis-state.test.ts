import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { WebPushHub } from '../../src/channels/web/push-hub.js';
import { inProcessRefreshLock, } from '../../src/channels/zalo/token-manager.js';
import { ManualClock } from '../../src/clock.js';
import { SessionStore } from '../../src/engine/session-store.js';
import { RedisBroadcast } from '../../src/shared-state/redis-broadcast.js';
import { RedisAddressBudget } from '../../src/shared-state/redis-budget.js';
import { RedisRefreshLock } from '../../src/shared-state/redis-refresh-lock.js';
import { RedisSessions } from '../../src/shared-state/redis-sessions.js';
import type { SessionRepository, } from '../../src/storage/repositories.js';
import { openTestRedis } from '../support/redis.js';
import { raceTokenRefresh } from './support/token-race.js';

/** Two instances of the service are simulated by two objects of each kind sharing one Redis prefix. */
const redis = await openTestRedis('shared-state');
afterAll(() => redis.cleanUp());
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
let scopes = 0;
/** Each test's keys apart from the others'. */
const scoped = () => ({ ...redis, prefix: `${redis.prefix}${++scopes}:` });

/** Two instances' session stores sharing one Redis scope, on one clock. */
function twoInstancesSessions() {
  const shared = new RedisSessions(scoped());
  const clock = new ManualClock();
  const none: Pick<SessionRepository, 'loadAll' | 'replaceAll'> = { loadAll: async () => [], replaceAll: async () => undefined };
  const store = () => new SessionStore({ repo: none, clock, idleMinutes: 30, shared });
  return { shared, clock, a: store(), b: store() };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
};

describe('state shared by instances through Redis', () => {
  it('an address has one budget, whichever instance it reaches', async () => {
    const shared = scoped();
    const [a, b] = [new RedisAddressBudget(shared, 'web', 3), new RedisAddressBudget(shared, 'web', 3)];
    expect([await a.allow('1.2.3.4'), await b.allow('1.2.3.4'), await a.allow('1.2.3.4')]).toEqual([true, true, true]);
    expect(await b.allow('1.2.3.4')).toBe(false);
    expect(await a.allow('5.6.7.8')).toBe(true);
  });

  it("pushes an announcement to a widget whose socket another instance holds", async () => {
    const shared = scoped();
    const [a, b] = [new WebPushHub(new RedisBroadcast(shared, log, 'widget-push')), new WebPushHub(new RedisBroadcast(shared, log, 'widget-push'))];
    await Promise.all([a.start(), b.start()]);
    const onB: string[] = [];
    const onA: string[] = [];
    b.subscribe('10813', (frame) => onB.push(frame));
    a.subscribe('11560', (frame) => onA.push(frame));
    await a.broadcastToCommune('10813', { id: 'a1', title: 'Họp dân', body: 'Tối thứ Bảy.', publishedAt: null });
    await until(() => onB.length > 0);
    expect(JSON.parse(onB[0]!)).toEqual({ type: 'announcement', announcement: { id: 'a1', title: 'Họp dân', body: 'Tối thứ Bảy.', publishedAt: null } });
    // Another commune's widget is not reached; a province-wide one reaches both.
    await b.broadcastToCommune('all', { id: 'a2', title: 'Tết', body: 'Chi trả.', publishedAt: null });
    await until(() => onA.length > 0 && onB.length > 1);
    expect(onA.map((f) => JSON.parse(f).announcement.id)).toEqual(['a2']);
    expect(onB.map((f) => JSON.parse(f).announcement.id)).toEqual(['a1', 'a2']);
  });

  it('a conversation continues on the other instance', async () => {
    const { a, b } = twoInstancesSessions();
    await a.refresh('web:s1');
    const session = a.get('web', 's1');
    session.flow = { skill: 'screening', step: 'household_size', data: { area: 'rural' } };
    a.touch(session);
    await a.publish(session);

    await b.refresh('web:s1');
    expect(b.get('web', 's1').flow).toEqual({ skill: 'screening', step: 'household_size', data: { area: 'rural' } });
    await b.delete('web:s1');
    await a.refresh('web:s1');
    expect(a.peek('web:s1')).toBeUndefined();
  });

  it('a conversation alternating instances: each takes the copy the other wrote, keeps its own while current, expires on the last activity', async () => {
    const { shared, clock, a, b } = twoInstancesSessions();
    const turn = async (store: SessionStore, intent: string) => {
      await store.refresh('web:s3');
      const session = store.get('web', 's3');
      session.lastIntent = intent;
      store.touch(session);
      await store.publish(session);
      return session;
    };
    const onA = await turn(a, 'first');
    // Nobody wrote since: A keeps its live copy (and what skills keep beside it).
    await a.refresh('web:s3');
    expect(a.get('web', 's3')).toBe(onA);
    clock.advance(20 * 60_000);
    await turn(b, 'second');
    clock.advance(20 * 60_000);
    // 40 minutes after A's turn, 20 after B's: alive, and B's.
    await a.refresh('web:s3');
    expect(a.peek('web:s3')).not.toBe(onA);
    expect(a.peek('web:s3')?.lastIntent).toBe('second');
    const third = await turn(a, 'third');
    expect((await shared.load('web:s3'))?.lastActiveAt).toBe(clock.now().toISOString());
    expect(third.startedAt).toBe(onA.startedAt);
    clock.advance(31 * 60_000);
    await b.refresh('web:s3');
    expect(b.peek('web:s3')).toBeUndefined();
  });

  it("reads its own version's sessions as written, and validates any other: a wrong shape is dropped", async () => {
    const scope = scoped();
    const shared = new RedisSessions(scope);
    const record = {
      id: 'web:s2',
      key: 'web:s2',
      channel: 'web' as const,
      userId: 's2',
      flow: null,
      lastQuickReplies: [],
      lastIntent: 'greeting',
      startedAt: '2026-12-07T01:00:00.000Z',
      lastActiveAt: '2026-12-07T01:00:00.000Z',
    };
    await shared.save(record, 60_000);
    const written = (await scope.client.get(`${scope.prefix}session:web:s2`))!;
    expect(written).toMatch(/^~[\w-]{16}~\{/);
    expect(await shared.load('web:s2')).toEqual(record);
    // Written without this stamp (by another version, with its stamp or none; by hand): validated, then taken or dropped.
    await scope.client.set(`${scope.prefix}session:web:s2`, JSON.stringify(record));
    expect(await shared.load('web:s2')).toEqual(record);
    await scope.client.set(`${scope.prefix}session:web:s2`, JSON.stringify({ ...record, lastQuickReplies: 'none' }));
    expect(await shared.load('web:s2')).toBeUndefined();
    await scope.client.set(`${scope.prefix}session:web:s2`, `~another-version~${JSON.stringify(record)}`);
    expect(await shared.load('web:s2')).toEqual(record);
    // An older version's session has no last turn; a newer one's keeps it (the replies a message handled again gets).
    const lastTurn = { id: 'j1', intent: 'greeting', replies: [{ text: 'Xin chào', quickReplies: [{ title: 'Menu', payload: 'intent:help' }] }] };
    await scope.client.set(`${scope.prefix}session:web:s2`, `~another-version~${JSON.stringify({ ...record, lastTurn })}`);
    expect(await shared.load('web:s2')).toEqual({ ...record, lastTurn });
    await scope.client.set(`${scope.prefix}session:web:s2`, `~another-version~${JSON.stringify({ ...record, flow: 42 })}`);
    expect(await shared.load('web:s2')).toBeUndefined();
    await scope.client.set(`${scope.prefix}session:web:s2`, 'not a session');
    expect(await shared.load('web:s2')).toBeUndefined();
  });
});

describe('Zalo token refresh raced by two instances', () => {
  it('spends the single-use refresh token once; the second instance takes the pair the first stored', async () => {
    const shared = scoped();
    const { tokens, requests, current, stored } = await raceTokenRefresh(() => new RedisRefreshLock(shared, log));
    expect(requests.map((r) => r.accepted)).toEqual([true]);
    expect(tokens.map((t) => t.status)).toEqual(['fulfilled', 'fulfilled']);
    const [first, second] = tokens as PromiseFulfilledResult<string>[];
    expect(second!.value).toBe(first!.value);
    expect(stored).toMatchObject({ accessToken: first!.value, refreshToken: current, alert: null });
  });

  it('(without the shared lock the second instance spends the dead token and Zalo refuses it)', async () => {
    const { requests } = await raceTokenRefresh(() => inProcessRefreshLock);
    expect(requests.map((r) => r.accepted)).toEqual([true, false]);
  });
});
