import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { ZALO_INBOX_QUEUE } from '../../src/channels/zalo/inbox.js';
import { jobSchemaFor } from '../../src/jobs/pg-boss-queue.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { createTestDatabase } from '../support/postgres-db.js';
import { dropPrefix, openTestRedis } from '../support/redis.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../support/round-robin-proxy.js';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';

/**
 * Two instances on one PostgreSQL and Redis behind a round-robin proxy; 40 citizens each send 5 questions through
 * it (a citizen's next message only after Zalo got the acknowledgement of the last, the citizens all at once). The
 * moment the mock Zalo accepts a chosen answer (a count from the seed, printed in the test name), one instance is
 * SIGKILLed. Zalo delivers again what was not acknowledged. The survivor takes the dead instance's citizens over
 * once their lease runs out (3 s here). In the end every citizen has each answer exactly once, in the order of the
 * questions.
 */
const CITIZENS = 40;
const QUESTIONS = [
  'miễn giảm học phí cho con hộ nghèo',
  'hỗ trợ làm nhà cho hộ nghèo',
  'thủ tục đăng ký hộ nghèo',
  'chuẩn nghèo là gì',
  'thẻ bảo hiểm y tế cho hộ nghèo',
];
/** The engine asks this now and then after an answer (how often depends on the session): not one of the answers. */
const HELPFUL_QUESTION = 'Câu trả lời có giúp được bạn không?';
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
/** The kill comes as the mock accepts this answer of the burst (of at least CITIZENS × QUESTIONS). */
const KILL_AT = 20 + (SEED % 100);

if (!existsSync('dist/main.js')) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

const redis = await openTestRedis('burst');
const database = await createTestDatabase('burst');
const zalo: MockZalo = await startMockZalo();
let instances: ServiceProcess[] = [];
let proxy: RoundRobinProxy | undefined;

afterAll(async () => {
  await proxy?.close();
  for (const { child } of instances) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGKILL');
    await waitForExit(child);
  }
  await client?.end();
  await zalo.close();
  await dropPrefix(redis);
  await database.drop();
});

const start = async () =>
  startServiceProcess({
    ...zalo.env(),
    DATABASE_URL: database.url,
    DATA_DIR: await mkdtemp(join(tmpdir(), 'webhook-burst-')),
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: redis.prefix,
    WIDGET_SESSION_SECRET: 'both-instances-share-this-secret-0123456789',
    QUIET_HOURS: '',
    ZALO_INBOX_LEASE_SECONDS: '3',
    JOB_MAINTENANCE_SECONDS: '1',
  });

/** Delivers an event until an instance acknowledges it, as Zalo retries (the dead instance's posts fail at the proxy). */
async function deliverUntilAcknowledged(event: ReturnType<MockZalo['textEvent']>): Promise<void> {
  for (;;) {
    const status = await zalo.deliver(event).then(
      (delivery) => delivery.status,
      () => 0,
    );
    if (status === 200) return;
  }
}

/** The answers a citizen has received: the texts the mock accepted, without the "did this help?" question. */
const answersTo = (userId: string) => zalo.messagesTo(userId).map((m) => m.text).filter((text) => !text.startsWith(HELPFUL_QUESTION));

let client: pg.Client | undefined;
async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  if (!client) {
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  }
  return (await client.query<T>(sql)).rows;
}

/** Nothing left to do: every journalled event done and no inbox job waiting or running (the dead one's expired). */
async function settled(): Promise<boolean> {
  const [journal] = await query<{ open: number }>("SELECT count(*)::int AS open FROM journal WHERE state <> 'done'");
  const [jobs] = await query<{ open: number }>(
    `SELECT count(*)::int AS open FROM ${jobSchemaFor(database.url)}.job WHERE name = '${ZALO_INBOX_QUEUE}' AND state < 'completed'`,
  );
  return journal!.open === 0 && jobs!.open === 0;
}

/** Waits for the condition; after two minutes fails with what is still open and the instances' logs. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const journal = await query("SELECT state, count(*)::int AS n FROM journal GROUP BY 1");
      const jobs = await query(`SELECT state, count(*)::int AS n FROM ${jobSchemaFor(database.url)}.job GROUP BY 1`);
      const logs = instances.map((i) => i.stderr().slice(-2000) + i.stdout().slice(-2000));
      throw new Error(`still open after 2 minutes: ${JSON.stringify({ journal, jobs, logs })}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

it(`a webhook burst with one of two instances SIGKILLed at answer ${KILL_AT} (seed ${SEED}): each answer once, in order`, async () => {
  instances = [await start(), await start()];
  proxy = await startRoundRobinProxy(instances.map((i) => i.url));
  zalo.webhookUrl = `${proxy.url}/webhooks/zalo`;
  const citizens = Array.from({ length: CITIZENS }, (_, i) => `71000000000000${String(i).padStart(5, '0')}`);
  const reference = '7100000000000099999';
  for (const userId of [...citizens, reference]) zalo.setUser(userId, { follower: true, lastInteractionAt: Date.now() });

  // First contact (the privacy notice and the greeting) before the burst, so the burst is questions only.
  await Promise.all([...citizens, reference].map((userId) => deliverUntilAcknowledged(zalo.textEvent(userId, 'xin chào'))));
  await until(async () => [...citizens, reference].every((u) => zalo.messagesTo(u).length > 0) && (await settled()));
  // The answer to each question, from a citizen who asks them one at a time.
  const expected: string[] = [];
  for (const question of QUESTIONS) {
    const before = answersTo(reference).length;
    await deliverUntilAcknowledged(zalo.textEvent(reference, question));
    await until(async () => answersTo(reference).length > before && (await settled()));
    expected.push(...answersTo(reference).slice(before));
  }
  expect(expected.length).toBeGreaterThanOrEqual(QUESTIONS.length);
  expect(new Set(expected).size).toBe(expected.length);

  // The burst; the kill comes as the mock accepts answer KILL_AT of it.
  const [victim] = instances as [ServiceProcess, ServiceProcess];
  const victimExit = once(victim.child, 'exit');
  const answersBefore = new Map(citizens.map((u) => [u, answersTo(u).length]));
  let burstAnswers = 0;
  let answersAtKill = -1;
  const stopWatching = zalo.onMessage((message) => {
    if (message.text.startsWith(HELPFUL_QUESTION) || !answersBefore.has(message.userId)) return;
    if (++burstAnswers === KILL_AT) {
      answersAtKill = burstAnswers;
      victim.child.kill('SIGKILL');
    }
  });
  await Promise.all(
    citizens.map(async (userId) => {
      for (const question of QUESTIONS) {
        await deliverUntilAcknowledged(zalo.textEvent(userId, question));
      }
    }),
  );
  expect(await victimExit).toEqual([null, 'SIGKILL']);
  // Every event acknowledged: once all are done and no job is left (the dead instance's expired), nothing more comes.
  await until(settled);
  stopWatching();

  // The kill came mid-burst: answers were still to come.
  expect(answersAtKill).toBe(KILL_AT);
  expect(burstAnswers).toBeGreaterThan(KILL_AT);
  const received = citizens.map((u) => answersTo(u).slice(answersBefore.get(u)!));
  const lost = received.reduce((n, answers) => n + expected.filter((text) => !answers.includes(text)).length, 0);
  const doubled = received.reduce((n, answers) => n + answers.length - new Set(answers).size, 0);
  const outcomes = await query("SELECT record->>'outcome' AS outcome, count(*)::int AS n FROM journal GROUP BY 1");
  const short = (texts: string[]) => texts.map((t) => t.slice(0, 40));
  const wrong = received.flatMap((answers, i) => (answers.join() === expected.join() ? [] : [{ citizen: citizens[i], got: short(answers) }]));
  expect({ lost, doubled }, JSON.stringify({ outcomes, expected: short(expected), wrong })).toEqual({ lost: 0, doubled: 0 });
  for (const answers of received) expect(answers).toEqual(expected);
}, 300_000);
