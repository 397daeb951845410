/**
 * An announcement to 100,000 Zalo subscribers of one commune, through the real announcement module (lowdb storage,
 * durable delivery queue, Zalo client) to the mock Zalo running in its own process:
 *
 * - time to queue: from the officer's request to the 100,000 delivery records being durable (the 201);
 * - time to deliver: until every delivery is recorded sent, with the messages counted at the mock (exactly once);
 * - peak memory of the service process while doing it.
 *
 * The client limit is raised to 100,000 requests/minute (the configurable maximum) to measure the service itself; at
 * Zalo's 4,000/minute the same delivery takes at least 25 minutes, which is also printed.
 *
 * `npx tsx bench/announcements.ts` runs it alone (BENCH_SUBSCRIBERS changes the count); bench/run.ts calls measure().
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { createAnnouncements } from '../src/announcements/announcements.js';
import { ZaloClient } from '../src/channels/zalo/client.js';
import { ZaloSentCheck } from '../src/channels/zalo/sent-check.js';
import { ZaloTokenManager } from '../src/channels/zalo/token-manager.js';
import { systemClock } from '../src/clock.js';
import { loadConfig, zaloSettings } from '../src/config.js';
import { loadCommunes } from '../src/content/communes.js';
import { AuditLog } from '../src/staff/audit-log.js';
import { openLowdbStorage } from '../src/storage/lowdb/index.js';
import { zaloCitizen } from '../test/support/citizens.js';
import { MockZalo } from '../test/support/mock-zalo/server.js';
import { type Figures, printFigures } from './figures.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const COMMUNE = '10813';
const ZALO_LIMIT_PER_MINUTE = 4000;
const SELF = fileURLToPath(import.meta.url);

export interface AnnouncementFigures {
  subscribers: number;
  queueMs: number;
  deliverMs: number;
  messagesAtMock: number;
  /** Users who received more or fewer than one message. */
  notExactlyOnce: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  peakHeapBytes: number;
}

const userIds = (n: number) => Array.from({ length: n }, (_, i) => `9${String(i).padStart(18, '0')}`);

type MockMessage = { type: 'ready'; env: Record<string, string> } | { type: 'count'; total: number; notExactlyOnce: number };

/** The mock Zalo in this (separate) process: every subscriber known and inside the window. */
async function runMock(): Promise<void> {
  const mock = await MockZalo.start({ rateLimitPerMinute: 10_000_000 });
  for (const id of userIds(SUBSCRIBERS)) mock.setUser(id, { lastInteractionAt: Date.now() - 3_600_000 });
  process.send!({ type: 'ready', env: mock.env() } satisfies MockMessage);
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'count') return;
    const perUser = new Map<string, number>();
    for (const m of mock.messages) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
    const expected = userIds(SUBSCRIBERS).filter((id) => perUser.get(id) !== 1).length;
    process.send!({ type: 'count', total: mock.messages.length, notExactlyOnce: expected } satisfies MockMessage);
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

/** The service side, in this process. */
async function runService(mockEnv: Record<string, string>): Promise<Omit<AnnouncementFigures, 'messagesAtMock' | 'notExactlyOnce'>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-announcements-'));
  try {
    const config = loadConfig({ ...mockEnv, DATA_DIR: dataDir, ZALO_MAX_REQUESTS_PER_MINUTE: '100000', QUIET_HOURS: '' });
    const settings = zaloSettings(config)!;
    const log = pino({ level: 'warn' }) as unknown as FastifyBaseLogger;
    const storage = await openLowdbStorage(dataDir);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    await Promise.all(
      userIds(SUBSCRIBERS).map((userId) => {
        return storage.citizens.save(zaloCitizen(userId, { commune: COMMUNE, at }));
      }),
    );
    const client = new ZaloClient({ settings, tokens: new ZaloTokenManager({ settings, repo: storage.tokens, clock: systemClock, log }), log });
    const announcements = createAnnouncements({
      storage,
      communes: await loadCommunes('content'),
      audit: new AuditLog(storage.audit, systemClock),
      clock: systemClock,
      quietHours: null,
      zalo: client,
      sentCheck: new ZaloSentCheck(client),
      web: null,
      log,
      maxRequestsPerMinute: config.ZALO_MAX_REQUESTS_PER_MINUTE,
      tickMs: 3_600_000,
    });
    await announcements.start();
    global.gc?.();

    const baselineRssBytes = process.memoryUsage().rss;
    let peakRssBytes = baselineRssBytes;
    let peakHeapBytes = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRssBytes = Math.max(peakRssBytes, usage.rss);
      peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
    }, 25);
    const started = performance.now();
    await announcements.service.create(
      { username: 'bench', displayName: 'bench', role: 'admin', communes: [] },
      { title: 'Lịch rà soát hộ nghèo', body: 'Tổ rà soát đến từng hộ từ ngày 1/12. Mang theo giấy tờ thu nhập.', communes: [COMMUNE], channels: ['zalo'] },
    );
    const queueMs = performance.now() - started;
    await announcements.tick();
    await storage.flush();
    const deliverMs = performance.now() - started;
    clearInterval(sampler);
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    await announcements.stop();
    return { subscribers: SUBSCRIBERS, queueMs, deliverMs, baselineRssBytes, peakRssBytes, peakHeapBytes };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Both sides in fresh processes, so the memory figures are the delivery's own. */
export async function measureAnnouncements(): Promise<AnnouncementFigures> {
  const mock = fork(SELF, ['--mock'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { env } = await next<{ env: Record<string, string> }>(mock, 'ready');
    const service = fork(SELF, ['--service'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = next<{ figures: Omit<AnnouncementFigures, 'messagesAtMock' | 'notExactlyOnce'> }>(service, 'done');
    service.send({ type: 'start', env });
    const exited = new Promise((resolve) => service.once('exit', resolve));
    const { figures } = await result;
    await exited;
    mock.send({ type: 'count' });
    const count = await next<{ total: number; notExactlyOnce: number }>(mock, 'count');
    return { ...figures, messagesAtMock: count.total, notExactlyOnce: count.notExactlyOnce };
  } finally {
    mock.kill();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The rows bench/run.ts adds to its table. */
export async function measure(): Promise<Figures> {
  const f = await measureAnnouncements();
  const n = f.subscribers.toLocaleString('en-US');
  return {
    [`announcement to ${n} Zalo subscribers: queued (201)`]: { value: `${(f.queueMs / 1000).toFixed(1)} s` },
    [`announcement to ${n}: all delivered via mock (client limit 100,000/min)`]: {
      value: `${(f.deliverMs / 1000).toFixed(1)} s = ${Math.round(f.subscribers / (f.deliverMs / 1000))} msg/s; ${f.messagesAtMock.toLocaleString('en-US')} at the mock, ${f.notExactlyOnce} not exactly once`,
      budget: 'every message exactly once',
      met: f.notExactlyOnce === 0 && f.messagesAtMock === f.subscribers,
    },
    [`announcement to ${n}: at Zalo's ${ZALO_LIMIT_PER_MINUTE.toLocaleString('en-US')}/min`]: {
      value: `≥ ${Math.ceil(f.subscribers / ZALO_LIMIT_PER_MINUTE)} min (rate limit)`,
    },
    [`announcement to ${n}: service memory`]: {
      value: `baseline ${mb(f.baselineRssBytes)}, peak ${mb(f.peakRssBytes)} RSS; peak heap ${mb(f.peakHeapBytes)}`,
    },
  };
}

if (process.argv.includes('--mock')) {
  await runMock();
} else if (process.argv.includes('--service')) {
  process.on('message', async (message: { type: string; env: Record<string, string> }) => {
    if (message.type !== 'start') return;
    process.send!({ type: 'done', figures: await runService(message.env) }, () => process.exit(0));
  });
} else if (process.argv[1] === SELF) {
  printFigures(await measure());
}
