import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { zaloCitizen } from '../support/citizens.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { createTestDatabase } from '../support/postgres-db.js';
import { dropPrefix, openTestRedis } from '../support/redis.js';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';
import { finishedReport, login, postJson, sharedInstanceEnv } from '../support/staff-http.js';

/**
 * Two instances of the built service on one PostgreSQL database (and one Redis), sending announcements to the mock
 * Zalo. A fan-out to 300 subscribers is shared by both (each claims batches of deliveries); one instance is SIGKILLed
 * in the middle of a batch it claimed — the moment Zalo accepts its own message chosen by the seed, before the answer
 * reaches it — and never restarted: the survivor takes
 * over what the dead one was sending once its lease (DELIVERY_LEASE_SECONDS, 10 s here) has run out, deciding each
 * delivery it left `sending` by Zalo's conversation history. In the end every subscriber has the announcement exactly
 * once and the report's counts equal what the mock received. And a scheduled announcement is published once, though
 * both instances look for due announcements every second.
 */
const SUBSCRIBERS = 300;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const ADMIN = { username: 'fanout-admin', password: 'mat-khau-fanout-456' };
const FANOUT_COMMUNE = '10507';
const SCHEDULED_COMMUNE = '10813';
// The dying instance's own message, inside the first batch it claims (50): both instances are sending by then.
const killAt = 25 + (SEED % 25);

if (!existsSync('dist/main.js')) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

const database = await createTestDatabase('fanout');
const redis = await openTestRedis('fanout');
let zalo: MockZalo;
let tap: SendTap;
let instances: ServiceProcess[] = [];

const start = async (zaloApi: string) =>
  startServiceProcess({
    ...zalo.env(),
    ZALO_API_BASE: zaloApi,
    DATABASE_URL: database.url,
    DATA_DIR: await mkdtemp(join(tmpdir(), 'two-fanout-')),
    ...sharedInstanceEnv(redis.prefix, ADMIN),
    // 20 messages a second per instance; batches of 50 (a quarter of the lease at that rate).
    ZALO_MAX_REQUESTS_PER_MINUTE: '1200',
    DELIVERY_LEASE_SECONDS: '10',
  });

beforeAll(async () => {
  zalo = await startMockZalo();
  tap = await startSendTap(zalo.url);
  instances = [await start(tap.url), await start(zalo.url)];
}, 180_000);

afterAll(async () => {
  for (const instance of instances) {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) continue;
    instance.child.kill('SIGTERM');
    await waitForExit(instance.child);
  }
  await tap?.close();
  await zalo?.close();
  await dropPrefix(redis);
  await database.drop();
});

/**
 * The dying instance's way to Zalo: a pass-through that numbers its message sends. `cut(n)` is asked when Zalo's answer
 * to the n-th arrives; true drops the answer (the instance is being killed: its message went out, it never learns so).
 * A kill chosen by the total count could fall between two batches of the dying instance, leaving nothing to take over.
 */
interface SendTap {
  url: string;
  cut: (n: number) => boolean;
  close(): Promise<void>;
}

async function startSendTap(target: string): Promise<SendTap> {
  let sends = 0;
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      const isSend = req.method === 'POST' && (req.url ?? '').startsWith('/v3.0/oa/message/cs');
      if (isSend && tap.cut(++sends)) {
        answer.resume();
        res.destroy();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tap: SendTap = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => false,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return tap;
}

/** Zalo subscribers of a commune, stored as the service stores them and known to the mock (inside the window). */
async function subscribers(count: number, commune: string, prefix: string): Promise<string[]> {
  const users = Array.from({ length: count }, (_, k) => `${prefix}${String(k).padStart(5, '0')}`);
  const storage = await openPostgresStorage({ url: database.url });
  const now = new Date().toISOString();
  try {
    for (const userId of users) await storage.citizens.save(zaloCitizen(userId, { commune, at: now }));
  } finally {
    await storage.close();
  }
  for (const userId of users) zalo.setUser(userId, { follower: true, lastInteractionAt: Date.now() });
  return users;
}

/** How many messages each of `users` received at the mock. */
function received(users: string[]): { lost: string[]; doubled: string[]; total: number } {
  const perUser = new Map<string, number>();
  for (const m of zalo.messages) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
  return {
    lost: users.filter((u) => !perUser.has(u)),
    doubled: users.filter((u) => (perUser.get(u) ?? 0) > 1),
    total: users.reduce((sum, u) => sum + (perUser.get(u) ?? 0), 0),
  };
}

describe('two instances on one PostgreSQL', () => {
  it('publish a scheduled announcement once', async () => {
    const users = await subscribers(20, SCHEDULED_COMMUNE, '72000000000000');
    const [author] = instances as [ServiceProcess, ServiceProcess];
    const created = await postJson(
      `${author.url}/api/announcements`,
      {
        title: 'Họp dân bình xét hộ nghèo',
        body: 'Họp dân lúc 19 giờ tối thứ Sáu tại nhà văn hóa thôn.',
        communes: [SCHEDULED_COMMUNE],
        channels: ['zalo', 'web'],
        scheduledAt: new Date(Date.now() + 3000).toISOString(),
      },
      { cookie: await login(author.url, ADMIN) },
    );
    expect(created.status).toBe(201);
    const { id, status } = (await created.json()) as { id: string; status: string };
    expect(status).toBe('scheduled');

    const { report } = await finishedReport(author.url, await login(author.url, ADMIN), id);
    expect(report.zalo.counts).toMatchObject({ sent: 20, failed: 0 });
    expect(received(users)).toEqual({ lost: [], doubled: [], total: 20 });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT record->>'actor' AS actor FROM audit WHERE record->>'action' = 'announcement.publish' AND record->>'target' = $1",
        [id],
      );
      expect(rows).toEqual([{ actor: 'system' }]);
    } finally {
      await client.end();
    }
  }, 120_000);

  it(`a fan-out to ${SUBSCRIBERS} survives one instance SIGKILLed as Zalo accepts its message ${killAt}: none lost, none doubled, the report equals what Zalo received (seed ${SEED})`, async () => {
    const users = await subscribers(SUBSCRIBERS, FANOUT_COMMUNE, '71000000000000');
    const [dying, survivor] = instances as [ServiceProcess, ServiceProcess];
    const before = zalo.messages.length;
    const killed = new Promise<void>((resolve) => {
      tap.cut = (n) => {
        if (n < killAt) return false;
        if (n === killAt) {
          dying.child.kill('SIGKILL');
          void waitForExit(dying.child).then(() => resolve());
        }
        return true;
      };
    });
    // Published by the instance that will die: it fans out and sends its first batch, the other claims the next ones.
    const created = await postJson(
      `${dying.url}/api/announcements`,
      { title: 'Lịch chi trả trợ cấp Tết', body: 'Chi trả trợ cấp Tết cho hộ nghèo từ 8 giờ sáng thứ Hai tại UBND xã.', communes: [FANOUT_COMMUNE], channels: ['zalo'] },
      { cookie: await login(dying.url, ADMIN) },
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await killed;
    expect(zalo.messages.length - before).toBeLessThan(SUBSCRIBERS);

    const { report } = await finishedReport(survivor.url, await login(survivor.url, ADMIN), id, 150_000);
    const result = received(users);
    const takenOver = survivor.stdout().includes('deliveries interrupted while sending');
    console.info(
      `two-instance fan-out, seed ${SEED}: killed at its own message ${killAt}; ${SUBSCRIBERS - result.lost.length} of ${SUBSCRIBERS} ` +
        `received, ${result.lost.length} lost, ${result.doubled.length} doubled; report ${JSON.stringify(report.zalo.counts)}; ` +
        `survivor took over interrupted deliveries: ${takenOver}`,
    );
    expect(result.lost).toEqual([]);
    expect(result.doubled).toEqual([]);
    expect(report.zalo.total).toBe(SUBSCRIBERS);
    expect(report.zalo.counts).toMatchObject({ sent: result.total, failed: 0, queued: 0, sending: 0 });
    // The dead instance was sending a batch: the survivor decided what it left by Zalo's history (the killed message: sent).
    expect(takenOver).toBe(true);
  }, 240_000);
});
