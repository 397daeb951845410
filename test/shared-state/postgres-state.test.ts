import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebPushHub } from '../../src/channels/web/push-hub.js';
import { PostgresBroadcasts } from '../../src/shared-state/postgres-broadcast.js';
import { PostgresRefreshLock } from '../../src/shared-state/postgres-refresh-lock.js';
import { createSchema, openPostgresIn, type TestSchema } from '../support/postgres.js';
import { raceTokenRefresh } from './support/token-race.js';

/** Two instances sharing PostgreSQL but no Redis, simulated by two objects of each kind on one schema. */
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
let schema: TestSchema;
const opened: PostgresBroadcasts[] = [];
beforeAll(async () => {
  schema = await createSchema();
  // The migrations make the table long broadcasts go through.
  await (await openPostgresIn(schema, 1)).close();
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

/** Waits for what another instance's connection delivers: no fixed sleep. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1_000; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe('broadcasts longer than a NOTIFY carries', () => {
  it('pushes an announcement of over 8,000 bytes live to the widgets of another instance, in order with short ones', async () => {
    const [a, b] = [await hubOn(), await hubOn()];
    const onB: string[] = [];
    b.subscribe('10813', (frame) => onB.push(frame));
    const body = 'Thông báo chi trả trợ cấp Tết cho hộ nghèo, hộ cận nghèo của xã Thanh Hà. '.repeat(150);
    expect(Buffer.byteLength(body)).toBeGreaterThan(8_000);
    await a.broadcastToCommune('10813', { id: 'long', title: 'Chi trả Tết', body, publishedAt: null });
    await a.broadcastToCommune('10813', { id: 'short', title: 'Họp dân', body: 'Tối thứ Bảy.', publishedAt: null });
    await until(() => onB.length === 2, 'both announcements reach the widget on B');
    const received = onB.map((frame) => JSON.parse(frame).announcement);
    expect(received.map((x: { id: string }) => x.id)).toEqual(['long', 'short']);
    expect(received[0].body).toBe(body);
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
