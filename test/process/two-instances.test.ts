import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configSchema } from '../../src/config.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { createTestDatabase } from '../support/postgres-db.js';
import { dropPrefix, openTestRedis } from '../support/redis.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../support/round-robin-proxy.js';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';
import { sharedInstanceEnv } from '../support/staff-http.js';

/**
 * Two processes of the built service behind a round-robin proxy (as behind nginx), sharing Redis (each test run a
 * key prefix of its own) and, once the service has a PostgreSQL storage (DATABASE_URL), one database of the run's
 * own; until then each instance keeps its own lowdb files and the tests that need one shared store are skipped.
 */
const SHARED_STORAGE = 'DATABASE_URL' in configSchema.shape;
const ADMIN = { username: 'two-admin', password: 'mat-khau-hai-tien-trinh' };
const COMMUNE = '10813';

const redis = await openTestRedis('two-instances');
const database = SHARED_STORAGE ? await createTestDatabase('two') : null;
let zalo: MockZalo;
let instances: ServiceProcess[] = [];
let proxy: RoundRobinProxy;

/** The storage each instance gets: the run's database, or a data directory of its own. */
async function storageEnv(): Promise<Record<string, string>> {
  if (database) return { DATABASE_URL: database.url, DATA_DIR: await mkdtemp(join(tmpdir(), 'two-instances-')) };
  return { DATA_DIR: await mkdtemp(join(tmpdir(), 'two-instances-')) };
}

beforeAll(async () => {
  zalo = await startMockZalo();
  const start = async () =>
    startServiceProcess({
      ...zalo.env(),
      ...(await storageEnv()),
      ...sharedInstanceEnv(redis.prefix, ADMIN),
    });
  // One after the other: the first creates the schema, the second finds it (they may also race; see the storage tests).
  instances = [await start(), await start()];
  proxy = await startRoundRobinProxy(instances.map((i) => i.url));
  zalo.webhookUrl = `${proxy.url}/webhooks/zalo`;
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  for (const instance of instances) {
    instance.child.kill('SIGTERM');
    await waitForExit(instance.child);
  }
  await zalo?.close();
  await dropPrefix(redis);
  await database?.drop();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('two instances behind a round-robin proxy', () => {
  it('a self-assessment goes on whichever instance each message reaches', async () => {
    const say = async (text: string, sessionId?: string) => {
      const response = await post(`${proxy.url}/api/chat`, { sessionId, text });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { sessionId: string; replies: { text: string }[] };
      return { sessionId: body.sessionId, text: body.replies.map((r) => r.text).join('\n') };
    };
    const servedBefore = proxy.served.length;
    const first = await say('tu danh gia ho ngheo');
    expect(first.text).toContain('Câu 1/15');
    expect((await say('xa', first.sessionId)).text).toContain('Câu 2/15');
    expect((await say('nha 3 ng', first.sessionId)).text).toContain('Câu 3/15');
    expect((await say('thu nhap 3tr', first.sessionId)).text).toContain('Câu 4/15');
    // The four messages went to both instances, in turn.
    expect(new Set(proxy.served.slice(servedBefore))).toEqual(new Set([0, 1]));
  });

  it("an announcement published on one instance reaches a widget whose socket the other holds", async () => {
    // Straight to the instances (not the proxy), so the socket is surely on the other one.
    const [publisher, holder] = instances as [ServiceProcess, ServiceProcess];
    const socket = new WebSocket(`${holder.url.replace('http', 'ws')}/ws/chat`, { origin: holder.url });
    const frames: { type: string; announcement?: { title: string } }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'hello', v: 1, commune: COMMUNE }));
    await until(() => frames.some((f) => f.type === 'welcome'));

    const login = await post(`${publisher.url}/api/staff/login`, ADMIN);
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const created = await post(
      `${publisher.url}/api/announcements`,
      { title: 'Họp bình xét hộ nghèo', body: 'Tối thứ Sáu tại nhà văn hóa thôn.', communes: [COMMUNE], channels: ['web'] },
      { cookie },
    );
    expect(created.status).toBe(201);
    await until(() => frames.some((f) => f.type === 'announcement'));
    expect(frames.find((f) => f.type === 'announcement')!.announcement!.title).toBe('Họp bình xét hộ nghèo');
    socket.close();
  });

  it.runIf(SHARED_STORAGE)('a token refresh raced by both instances spends the refresh token once', async () => {
    const users = ['7000000000000000901', '7000000000000000902'];
    for (const userId of users) zalo.setUser(userId, { follower: true, lastInteractionAt: Date.now() });
    zalo.expireAccessTokens();
    const requestsBefore = zalo.tokenRequests.length;
    // One event to each instance (round robin): each answers, finds its token refused (-216) and refreshes.
    await Promise.all(users.map((userId) => zalo.userSendsText(userId, 'xin chào')));
    await Promise.all(users.map((userId) => zalo.waitForMessages(userId, 1, 60_000)));
    expect(zalo.tokenRequests.slice(requestsBefore)).toEqual([{ refreshToken: expect.any(String), accepted: true }]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
