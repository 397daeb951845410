/**
 * An announcement to 100,000 Zalo subscribers of one commune, through built services (dist/main.js, as `npm start`
 * runs them) to the mock Zalo running in a process of its own:
 *
 * - time to queue: from the officer's request to its 201 (the delivery records are durable by then);
 * - time to deliver: until the mock has received a message for every subscriber, counted at the mock (exactly once),
 *   and the deliveries recorded `sent` in storage, read after the instances stopped, equal what the mock received;
 * - each instance's peak memory (VmHWM, the kernel's high-water mark of its resident memory) doing it.
 *
 * On lowdb one instance; with PostgreSQL (`npm run bench -- --postgres`) two instances sharing the database and
 * Redis, the announcement created on the first (any instance may take the deliveries). The client limit is raised to
 * 100,000 requests/minute (the configurable maximum) to measure the service itself; at Zalo's 4,000/minute the same
 * delivery takes at least 25 minutes, which is also printed.
 *
 * `npx tsx bench/announcements.ts` runs the lowdb one alone (BENCH_SUBSCRIBERS changes the count).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { openStorage } from '../src/storage/index.js';
import { tables } from '../src/storage/postgres/index.js';
import { migrate } from '../src/storage/postgres/migrate.js';
import type { CitizenRecord } from '../src/storage/records.js';
import { zaloCitizen } from '../test/support/citizens.js';
import { MockZalo } from '../test/support/mock-zalo/server.js';
import { type Figures, printFigures } from './figures.js';
import { type RunningService, startService } from './service.js';
import { openSharedServers } from './shared-servers.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const COMMUNE = '10813';
const ZALO_LIMIT_PER_MINUTE = 4000;
/** Each instance's peak resident memory during the fan-out (issue 19). */
const PEAK_RSS_BUDGET_MB = 300;
const ADMIN = { username: 'bench-admin', password: 'mat-khau-do-hieu-nang-100k' };
const SELF = fileURLToPath(import.meta.url);

export interface AnnouncementFigures {
  subscribers: number;
  queueMs: number;
  deliverMs: number;
  messagesAtMock: number;
  /** Users who received more or fewer than one message. */
  notExactlyOnce: number;
  /** Deliveries storage records as `sent` once the instances stopped. */
  recordedSent: number;
  /** Per instance: resident memory before the request, and the peak during the whole fan-out. */
  baselineRssBytes: number[];
  peakRssBytes: number[];
}

/** Where the instances keep their data: the subscribers stored before they start, the deliveries read after. */
export interface FanOutStorage {
  name: string;
  instances: number;
  /** Stores the citizens; returns each instance's storage settings. */
  prepare(citizens: CitizenRecord[]): Promise<Record<string, string>[]>;
  /** The deliveries' states, read once the instances have stopped. */
  sentCount(announcementId: string): Promise<number>;
  close(): Promise<void>;
}

const userIds = (n: number) => Array.from({ length: n }, (_, i) => `9${String(i).padStart(18, '0')}`);

type MockMessage =
  | { type: 'ready'; env: Record<string, string> }
  | { type: 'progress'; total: number }
  | { type: 'count'; total: number; notExactlyOnce: number };

/** The mock Zalo in this (separate) process: every subscriber known and inside the window. */
async function runMock(): Promise<void> {
  const mock = await MockZalo.start({ rateLimitPerMinute: 10_000_000 });
  for (const id of userIds(SUBSCRIBERS)) mock.setUser(id, { lastInteractionAt: Date.now() - 3_600_000 });
  process.send!({ type: 'ready', env: mock.env() } satisfies MockMessage);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'progress') process.send!({ type: 'progress', total: mock.messages.length } satisfies MockMessage);
    if (message.type !== 'count') return;
    const perUser = new Map<string, number>();
    for (const m of mock.messages) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
    const notExactlyOnce = userIds(SUBSCRIBERS).filter((id) => perUser.get(id) !== 1).length;
    process.send!({ type: 'count', total: mock.messages.length, notExactlyOnce } satisfies MockMessage);
  });
}

const next = <T>(child: ChildProcess, type: string) =>
  new Promise<T>((resolve) => {
    const on = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', on);
      resolve(message as T);
    };
    child.on('message', on);
  });

/**
 * The kernel's figure for a process's resident memory now (VmRSS) or at its peak (VmHWM) since it started or since
 * resetPeakMemory, in bytes.
 */
async function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
}

/** Restarts the peak's count from the present (Linux ≥ 4.0): the staff login's password check is not the fan-out's. */
const resetPeakMemory = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

async function staffCookie(url: string): Promise<string> {
  const login = await fetch(`${url}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`staff login answered ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** The fan-out through `storage`'s instances; both sides in fresh processes, so the memory figures are the delivery's own. */
export async function measureAnnouncements(storage: FanOutStorage): Promise<AnnouncementFigures> {
  const mock = fork(SELF, ['--mock'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const instances: RunningService[] = [];
  try {
    const { env } = await next<{ env: Record<string, string> }>(mock, 'ready');
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const settings = await storage.prepare(userIds(SUBSCRIBERS).map((userId) => zaloCitizen(userId, { commune: COMMUNE, at })));
    for (const storageEnv of settings) {
      instances.push(
        await startService({
          ...env,
          ...storageEnv,
          ZALO_MAX_REQUESTS_PER_MINUTE: '100000',
          QUIET_HOURS: '',
          ADMIN_USERNAME: ADMIN.username,
          ADMIN_PASSWORD: ADMIN.password,
        }),
      );
    }
    const [publisher] = instances as [RunningService];
    const cookie = await staffCookie(publisher.url);
    await new Promise((r) => setTimeout(r, 1000));
    const baselineRssBytes = await Promise.all(instances.map((i) => memoryOf(i.process.pid!, 'VmRSS')));
    for (const instance of instances) await resetPeakMemory(instance.process.pid!);

    const started = performance.now();
    const created = await fetch(`${publisher.url}/api/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        title: 'Lịch rà soát hộ nghèo',
        body: 'Tổ rà soát đến từng hộ từ ngày 1/12. Mang theo giấy tờ thu nhập.',
        communes: [COMMUNE],
        channels: ['zalo'],
      }),
    });
    if (created.status !== 201) throw new Error(`creating the announcement answered ${created.status}: ${await created.text()}`);
    const queueMs = performance.now() - started;
    const { id } = (await created.json()) as { id: string };
    for (;;) {
      mock.send({ type: 'progress' });
      if ((await next<{ total: number }>(mock, 'progress')).total >= SUBSCRIBERS) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const deliverMs = performance.now() - started;
    // The last batch's results are written during the graceful stop at the latest; the peak includes that.
    const peakRssBytes: number[] = [];
    for (const instance of instances) {
      const pid = instance.process.pid!;
      const exited = new Promise((resolve) => instance.process.once('exit', resolve));
      let peak = await memoryOf(pid, 'VmHWM');
      instance.process.kill('SIGTERM');
      // Sampled until the process is gone: its own figure disappears with it.
      while (instance.process.exitCode === null && instance.process.signalCode === null) {
        peak = Math.max(peak, await memoryOf(pid, 'VmHWM').catch(() => 0));
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20))]);
      }
      peakRssBytes.push(peak);
    }
    instances.length = 0;
    mock.send({ type: 'count' });
    const count = await next<{ total: number; notExactlyOnce: number }>(mock, 'count');
    return {
      subscribers: SUBSCRIBERS,
      queueMs,
      deliverMs,
      messagesAtMock: count.total,
      notExactlyOnce: count.notExactlyOnce,
      recordedSent: await storage.sentCount(id),
      baselineRssBytes,
      peakRssBytes,
    };
  } finally {
    for (const instance of instances) await instance.stop();
    mock.kill();
    await storage.close();
  }
}

/** The embedded default: one instance, the citizens written as its snapshot file (validated at its start). */
export async function lowdbFanOut(): Promise<FanOutStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-announcements-'));
  return {
    name: 'lowdb',
    instances: 1,
    prepare: async (citizens) => {
      await writeFile(join(dataDir, 'citizens.json'), `{"records":[\n${citizens.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`);
      return [{ DATA_DIR: dataDir }];
    },
    sentCount: (id) => countSent({ dataDir }, id),
    close: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** Two instances on one PostgreSQL database and Redis; the citizens inserted in batches before they start. */
export async function postgresFanOut(): Promise<FanOutStorage> {
  const servers = await openSharedServers('fanout');
  return {
    name: 'PostgreSQL',
    instances: 2,
    prepare: async (citizens) => {
      const pool = new pg.Pool({ connectionString: servers.databaseUrl, max: 1 });
      try {
        await migrate(pool);
        await tables.citizens.putMany(pool, citizens, 'keep');
      } finally {
        await pool.end();
      }
      return [servers.env, servers.env];
    },
    sentCount: (id) => countSent({ databaseUrl: servers.databaseUrl }, id),
    close: () => servers.close(),
  };
}

/** Deliveries of the announcement recorded `sent`, read through the storage adapter as the service reads them. */
async function countSent(where: { dataDir?: string; databaseUrl?: string }, announcementId: string): Promise<number> {
  const dataDir = where.dataDir ?? (await mkdtemp(join(tmpdir(), 'bench-unused-')));
  const log = pino({ level: 'silent' });
  const storage = await openStorage({ databaseUrl: where.databaseUrl, dataDir, log });
  try {
    return (await storage.deliveries.forAnnouncement(announcementId)).filter((d) => d.state === 'sent').length;
  } finally {
    await storage.close();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The rows bench/run.ts adds to its table, for the fan-out through `storage` (lowdb unless given). */
export async function measure(storage?: FanOutStorage): Promise<Figures> {
  const on = storage ?? (await lowdbFanOut());
  const { name, instances } = on;
  const f = await measureAnnouncements(on);
  const n = f.subscribers.toLocaleString('en-US');
  const prefix = `announcement to ${n} Zalo subscribers, ${name}${instances > 1 ? `, ${instances} instances` : ''}`;
  const peaks = f.peakRssBytes.map(mb).join(' / ');
  return {
    [`${prefix}: queued (201)`]: { value: `${(f.queueMs / 1000).toFixed(1)} s` },
    [`${prefix}: all delivered via mock (client limit 100,000/min)`]: {
      value: `${(f.deliverMs / 1000).toFixed(1)} s = ${Math.round(f.subscribers / (f.deliverMs / 1000))} msg/s; ${f.messagesAtMock.toLocaleString('en-US')} at the mock, ${f.notExactlyOnce} not exactly once; ${f.recordedSent.toLocaleString('en-US')} recorded sent`,
      budget: 'every message exactly once, as recorded',
      met: f.notExactlyOnce === 0 && f.messagesAtMock === f.subscribers && f.recordedSent === f.subscribers,
    },
    [`${prefix}: at Zalo's ${ZALO_LIMIT_PER_MINUTE.toLocaleString('en-US')}/min`]: {
      value: `≥ ${Math.ceil(f.subscribers / ZALO_LIMIT_PER_MINUTE)} min (rate limit)`,
    },
    [`${prefix}: peak memory per instance`]: {
      value: `${peaks} RSS (before: ${f.baselineRssBytes.map(mb).join(' / ')})`,
      budget: `≤ ${PEAK_RSS_BUDGET_MB} MB each`,
      met: f.peakRssBytes.every((peak) => peak <= PEAK_RSS_BUDGET_MB * 1024 * 1024),
    },
  };
}

if (process.argv.includes('--mock')) {
  await runMock();
} else if (process.argv[1] === SELF) {
  printFigures(await measure(process.argv.includes('--postgres') ? await postgresFanOut() : undefined));
}
