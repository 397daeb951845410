import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyZaloEvent } from '../../src/channels/zalo/events.js';
import type { CitizenRecord } from '../../src/storage/records.js';
import { readEverything, seedCitizens } from '../support/data-files.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { signZaloEvent } from '../support/mock-zalo/sign.js';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';

/**
 * Crash safety of the built service (dist/main.js): chats, signed Zalo webhooks and an announcement are in flight
 * when the process is killed with SIGKILL at a random moment. After each crash every data file must be valid (snapshots
 * JSON, change logs complete lines but for one last line cut short; with DATABASE_URL set, every row a valid record of
 * its table), the service must start again on them (start-up
 * validates every record), nothing acknowledged may be lost, and after Zalo's redelivery of every event no citizen may
 * receive the same message twice.
 *
 * The kills are spread over the traffic by how much of it has been answered, not by the clock: crash n of N comes once a
 * random share of the requests in the n-th Nth of them has been answered, so a few crashes cover "nothing answered
 * yet" to "nearly all answered" on a fast or a busy machine alike (CRASH_ITERATIONS=40 for a longer soak).
 */
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 8);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const ADMIN = { username: 'crash-admin', password: 'mat-khau-crash-123' };
const COMMUNE = '10507';
/** Per crash: requests launched one every few milliseconds until the kill, and subscribers the announcement goes to. */
const CHATS = 24;
const WEBHOOKS = 24;
const LAUNCH_EVERY_MS = 5;
const SUBSCRIBERS = 40;

if (!existsSync('dist/main.js')) {
  // `npm test` builds first; a lone run of this file builds here.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/** mulberry32: the kill moments are random but reproducible from the seed printed in the test name. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);

const zalo: MockZalo = await startMockZalo();
afterAll(() => zalo.close());

function startService(dataDir: string): Promise<ServiceProcess> {
  return startServiceProcess({
    ...zalo.env(),
    DATA_DIR: dataDir,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    // Announcements go out at any hour in this test.
    QUIET_HOURS: '',
    SESSION_SNAPSHOT_SECONDS: '1',
  });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const journalId = (rawEvent: string) => {
  const classified = classifyZaloEvent(JSON.parse(rawEvent));
  if (classified.type !== 'event') throw new Error('test event not recognised');
  return createHash('sha256').update(classified.dedupeKey).digest('hex');
};

/**
 * Resolves once the restarted service has finished the work the crash interrupted, as its files say: every journaled
 * Zalo event answered (or closed) and every announcement published with no delivery still queued or being sent.
 */
async function workFinished(dataDir: string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const files = await readEverything(dataDir);
    const unfinished = [
      ...(files.get('journal') ?? []).filter((r) => r.state !== 'done'),
      ...(files.get('announcements') ?? []).filter((r) => r.status === 'publishing'),
      ...(files.get('deliveries') ?? []).filter((r) => r.state === 'queued' || r.state === 'sending'),
    ];
    if (unfinished.length === 0) return;
    if (Date.now() > deadline) throw new Error(`work left unfinished after the restart: ${JSON.stringify(unfinished.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function iteration(n: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), `crash-${n}-`));
  const now = new Date();
  const tag = `${n}`.padStart(2, '0');
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, k) => `7${tag}00000000000000${k}`);
  const seeded: CitizenRecord[] = subscribers.map((userId) => ({
    id: `zalo:${userId}`,
    channel: 'zalo',
    userId,
    firstSeenAt: now.toISOString(),
    lastInteractionAt: now.toISOString(),
    noticeShownAt: now.toISOString(),
    consent: null,
    following: true,
    commune: COMMUNE,
    subscribed: true,
    subscribedAt: now.toISOString(),
  }));
  await seedCitizens(dataDir, seeded);
  for (const userId of subscribers) zalo.setUser(userId, { follower: true, lastInteractionAt: now.getTime() });

  let service = await startService(dataDir);
  zalo.webhookUrl = `${service.url}/webhooks/zalo`;
  const login = await post(`${service.url}/api/staff/login`, ADMIN);
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

  // Traffic in flight: requests launched one after another; the kill comes once `answeredBeforeKill` are answered.
  // The session id the server issued to each chat it answered.
  const chatIds: string[] = [];
  const webhookUsers = Array.from({ length: WEBHOOKS }, (_, k) => `8${tag}00000000000000${k}`);
  const events = webhookUsers.map((userId) => JSON.stringify(zalo.textEvent(userId, 'ho ngheo duoc vay von bao nhieu')));
  const sign = (raw: string) => ({ 'x-zevent-signature': signZaloEvent(zalo.appId, raw, JSON.parse(raw).timestamp, zalo.oaSecretKey) });
  const chats: Promise<number>[] = [];
  const webhooks: Promise<number>[] = [];
  let announcement: Promise<{ status: number; id: string | null }> = Promise.resolve({ status: 0, id: null });
  const answeredBeforeKill = Math.floor(((n - 1 + rand()) / ITERATIONS) * (CHATS + WEBHOOKS));
  let answered = 0;
  let enoughAnswered!: () => void;
  const killMoment = new Promise<void>((resolve) => {
    enoughAnswered = resolve;
  });
  if (answeredBeforeKill === 0) enoughAnswered();
  const counted = (status: Promise<number>) =>
    status.finally(() => {
      if (++answered >= answeredBeforeKill) enoughAnswered();
    });
  let killed = false;
  const launching = (async () => {
    for (let k = 0; k < Math.max(CHATS, WEBHOOKS) && !killed; k++) {
      const chat = post(`${service.url}/api/chat`, { text: 'hộ nghèo được vay vốn bao nhiêu' }).then(async (r) => {
        if (r.status === 200) chatIds[k] = ((await r.json()) as { sessionId: string }).sessionId;
        return r.status;
      });
      chats.push(counted(chat.catch(() => 0)));
      webhooks.push(counted(zalo.post(events[k]!, sign(events[k]!)).then((r) => r.status, () => 0)));
      if (k === 2) {
        announcement = post(
          `${service.url}/api/announcements`,
          { title: `Lịch họp bình xét ${tag}`, body: 'Họp bình xét hộ nghèo lúc 8 giờ sáng thứ Hai tại nhà văn hóa.', communes: [COMMUNE], channels: ['zalo'] },
          { cookie },
        ).then(async (r) => ({ status: r.status, id: r.status === 201 ? ((await r.json()) as { id: string }).id : null }), () => ({ status: 0, id: null }));
      }
      await new Promise((r) => setTimeout(r, LAUNCH_EVERY_MS));
    }
  })();

  await killMoment;
  killed = true;
  service.child.kill('SIGKILL');
  await waitForExit(service.child);
  await launching;
  const chatStatus = await Promise.all(chats);
  const webhookStatus = await Promise.all(webhooks);
  const created = await announcement;

  inFlight.push({
    acknowledged: [...chatStatus, ...webhookStatus].filter((s) => s >= 200 && s < 300).length + (created.status === 201 ? 1 : 0),
    cutOff: [...chatStatus, ...webhookStatus].filter((s) => s === 0).length + (created.status === 0 ? 1 : 0),
  });

  // Every file is valid as the crash left it.
  await readEverything(dataDir);

  // The service starts on what the crash left (start-up validates every record of every file).
  service = await startService(dataDir);
  zalo.webhookUrl = `${service.url}/webhooks/zalo`;
  // Zalo redelivers what it sent: events acknowledged before the crash must not be answered twice.
  const sent = events.slice(0, webhooks.length);
  for (const raw of sent) expect((await zalo.post(raw, sign(raw))).status).toBe(200);
  await workFinished(dataDir);
  service.child.kill('SIGTERM');
  expect(await waitForExit(service.child)).toBe(0);

  const files = await readEverything(dataDir);
  const ids = (name: string) => new Set((files.get(name) ?? []).map((r) => r.id));

  // Nothing acknowledged is lost.
  const citizens = ids('citizens');
  chatIds.forEach((sessionId, k) => {
    if (chatStatus[k] === 200) expect(citizens.has(`web:${sessionId}`), `chat ${sessionId} acknowledged`).toBe(true);
  });
  const journal = new Map((files.get('journal') ?? []).map((r) => [r.id, r]));
  sent.forEach((raw, k) => {
    const entry = journal.get(journalId(raw));
    expect(entry, `webhook ${k} (status before crash ${webhookStatus[k]})`).toBeDefined();
    expect(entry!.state).toBe('done');
    if (entry!.outcome === 'sent') expect(zalo.messagesTo(webhookUsers[k]!).length).toBeGreaterThan(0);
  });
  if (created.status === 201) expect(ids('announcements').has(created.id!), 'announcement acknowledged').toBe(true);
  for (const subscriber of subscribers) expect(citizens.has(`zalo:${subscriber}`)).toBe(true);

  // Nothing delivered twice.
  const mine = new Set([...webhookUsers, ...subscribers]);
  inFlight.at(-1)!.zaloMessages = zalo.messages.filter((m) => mine.has(m.userId)).length;
  const seen = new Set<string>();
  for (const message of zalo.messages) {
    if (!mine.has(message.userId)) continue;
    const key = `${message.userId}|${message.text}`;
    expect(seen.has(key), `delivered twice to ${message.userId}: ${message.text.slice(0, 80)}`).toBe(false);
    seen.add(key);
  }
}

/** Per crash: requests answered 2xx before the kill, and requests the kill cut off. */
const inFlight: { acknowledged: number; cutOff: number; zaloMessages?: number }[] = [];

describe(`SIGKILL while busy (seed ${SEED})`, () => {
  for (let n = 1; n <= ITERATIONS; n++) {
    it(`crash ${n} of ${ITERATIONS}: files valid, service restarts, nothing acknowledged lost, nothing sent twice`, () => iteration(n), 60_000);
  }
  it('the kills landed while work was in flight (some requests answered, some cut off)', () => {
    const total = (key: 'acknowledged' | 'cutOff' | 'zaloMessages') => inFlight.reduce((sum, i) => sum + (i[key] ?? 0), 0);
    console.info(
      `crash test, seed ${SEED}: ${total('acknowledged')} requests acknowledged before a kill, ${total('cutOff')} cut off, ` +
        `${total('zaloMessages')} messages delivered at the mock Zalo, none twice`,
    );
    expect(total('acknowledged')).toBeGreaterThan(0);
    expect(total('cutOff')).toBeGreaterThan(0);
  });
});
