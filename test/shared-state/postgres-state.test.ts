import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebPushHub } from '../../src/channels/web/push-hub.js';
import { PostgresBroadcasts } from '../../src/shared-state/postgres-broadcast.js';
import { PostgresRefreshLock } from '../../src/shared-state/postgres-refresh-lock.js';
import { createSchema, type TestSchema } from '../support/postgres.js';
import { raceTokenRefresh } from './support/token-race.js';

/** Two instances sharing PostgreSQL but no Redis, simulated by two objects of each kind on one schema. */
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
let schema: TestSchema;
const opened: PostgresBroadcasts[] = [];
beforeAll(async () => {
  schema = await createSchema();
});
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
  await schema.drop();
});

const hubOn = async () => {
  const broadcasts = new PostgresBroadcasts(schema.url, log);
  opened.push(broadcasts);
  const hub = new WebPushHub(broadcasts.channel('widget-push'));
  await hub.start();
  return hub;
};

describe('state shared by instances through PostgreSQL', () => {
  it("delivers an officer's message to a widget whose socket another instance holds, and says whether one is open", async () => {
    const [a, b] = [await hubOn(), await hubOn()];
    const onB: string[] = [];
    const leave = b.join('s1', (frame) => onB.push(frame));
    expect(await a.hasSession('s1')).toBe(true);
    expect(await a.sendToSession('s1', { id: 'p1', replies: [{ text: 'Cán bộ xã Thanh Hà: Chào bác' }] })).toBe(true);
    expect(onB.map((f) => JSON.parse(f))).toEqual([{ type: 'push', id: 'p1', replies: [{ text: 'Cán bộ xã Thanh Hà: Chào bác' }] }]);
    leave();
    // Nobody holds it any more: not delivered (kept for the citizen's next message by the caller).
    expect(await a.sendToSession('s1', { id: 'p2', replies: [{ text: 'Còn gì nữa không?' }] })).toBe(false);
    expect(await a.hasSession('s1')).toBe(false);
  });
});

describe('Zalo token refresh raced by two instances on PostgreSQL', () => {
  it('spends the single-use refresh token once under the advisory lock; the second instance takes the stored pair', async () => {
    const { tokens, requests, current, stored } = await raceTokenRefresh(() => new PostgresRefreshLock(schema.url, log));
    expect(requests.map((r) => r.accepted)).toEqual([true]);
    const [first, second] = tokens as PromiseFulfilledResult<string>[];
    expect(tokens.map((t) => t.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(second!.value).toBe(first!.value);
    expect(stored).toMatchObject({ accessToken: first!.value, refreshToken: current, alert: null });
  });
});
