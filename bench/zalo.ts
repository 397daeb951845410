/**
 * Zalo webhook acknowledgement under load, against the built service (dist/main.js) whose replies go to the mock
 * Zalo: every request is a new signed `user_send_text` event (its own msg_id), so each one is journalled durably
 * before its 200 and answered afterwards, while the load runs, as in production.
 *
 * - acknowledgements per second: 200 connections sending back to back for BENCH_SECONDS (saturation; latency there
 *   is 200 ÷ throughput by Little's law, so it is not a latency figure), as a ratio of GET /health on the same service;
 * - p99 acknowledgement latency: bursts of 200 events arriving at once (budget: a quarter of the ~2 s Zalo waits
 *   for the 200 before it counts a delivery as failed), on a fresh data directory and with a journal holding 2 and
 *   30 days of hashes, beside bursts of 200 GET /health on the same service (the floor this machine and HTTP set).
 *
 * `npx tsx bench/zalo.ts` builds the server and runs it alone; bench/run.ts adds it to the table.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { MockZalo } from '../test/support/mock-zalo/server.js';
import { signZaloEvent } from '../test/support/mock-zalo/sign.js';
import { type Figure, type Figures, median, printFigures } from './figures.js';
import { startService } from './service.js';

const CONCURRENT = 200;
export const BURSTS = 10;
/** A quarter of the ~2 s Zalo waits for the webhook's 200. */
const P99_BUDGET_MS = 500;
const USERS = 2000;
const TEXTS = ['xin chao', 'ho ngheo vay von the nao', 'the bhyt ho can ngheo', 'hoc phi cho con', 'menu', 'cam on'];
/** Messages a day for a busy provincial OA: the journal keeps a hash of each for the retention period. */
const EVENTS_PER_DAY = 2000;

export interface ZaloAckFigures {
  /** Acknowledgements per second with 200 connections sending back to back. */
  acksPerSecond: number;
  /** The same service's GET /health under the same load: the floor set by HTTP and this machine. */
  healthPerSecond: number;
  /** p99 latency of each burst of 200 simultaneous events, in ms, and of 200 simultaneous GET /health. */
  burstP99Ms: number[];
  healthBurstP99Ms: number[];
  /** Answers other than 200 (any is a failure). */
  non2xx: number;
}

/** Signed, distinct text events from `mock` (which shares the service's app id and OA secret key). */
function eventRequests(mock: MockZalo): autocannon.Request[] {
  const users = Array.from({ length: USERS }, (_, i) => `8${String(i).padStart(18, '0')}`);
  for (const userId of users) mock.setUser(userId, { lastInteractionAt: mock.clock.now().getTime() });
  let n = 0;
  return [
    {
      setupRequest: (request: autocannon.Request) => {
        // A new msg_id every time: nothing is answered from the deduplication shortcut.
        const event = mock.textEvent(users[n % USERS]!, TEXTS[n % TEXTS.length]!, randomBytes(10).toString('hex'));
        n++;
        const body = JSON.stringify(event);
        return {
          ...request,
          body,
          headers: {
            'content-type': 'application/json',
            'x-zevent-signature': signZaloEvent(mock.appId, body, event.timestamp, mock.oaSecretKey),
          },
        };
      },
    },
  ];
}


/** Measures one running service: its webhook at `url`/webhooks/zalo, and its /health as the floor. */
export async function measureZaloAcks(options: { mock: MockZalo; url: string; seconds: number }): Promise<ZaloAckFigures> {
  const webhook = { url: `${options.url}/webhooks/zalo`, method: 'POST' as const, connections: CONCURRENT, requests: eventRequests(options.mock) };
  const health = { url: `${options.url}/health`, connections: CONCURRENT };
  const figures: ZaloAckFigures = { acksPerSecond: 0, healthPerSecond: 0, burstP99Ms: [], healthBurstP99Ms: [], non2xx: 0 };
  for (let i = 0; i < BURSTS; i++) {
    const burst = await autocannon({ ...webhook, amount: CONCURRENT });
    figures.non2xx += burst.non2xx;
    figures.burstP99Ms.push(burst.latency.p99);
    figures.healthBurstP99Ms.push((await autocannon({ ...health, amount: CONCURRENT })).latency.p99);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { seconds } = options;
  const saturation = await autocannon({ ...webhook, duration: seconds });
  figures.non2xx += saturation.non2xx;
  figures.acksPerSecond = saturation.requests.average;
  figures.healthPerSecond = (await autocannon({ ...health, duration: seconds })).requests.average;
  return figures;
}

/** A data directory whose journal already holds `count` handled events (hashes only), as after weeks of use. */
async function dataDirWithJournal(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-zalo-'));
  const receivedAt = new Date().toISOString();
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: createHash('sha256').update(`msg:history-${i}`).digest('hex'),
      state: 'done',
      receivedAt,
      event: null,
      citizenId: null,
      outcome: 'sent',
    }),
  );
  await writeFile(join(dir, 'journal.json'), `{"records":[\n${lines.join(',\n')}\n]}\n`);
  return dir;
}

/** A service with the mock Zalo (in this process) and `env` on top (its storage), for `run`; both stopped after. */
export async function withZaloService<T>(env: Record<string, string>, run: (mock: MockZalo, url: string) => Promise<T>): Promise<T> {
  const mock = await MockZalo.start();
  const service = await startService({ ...mock.env(), ...env });
  try {
    return await run(mock, service.url);
  } finally {
    await service.stop();
    await mock.close();
  }
}

const failed = (f: ZaloAckFigures) => (f.non2xx ? `; ${f.non2xx} not 200` : '');

/** The table's row for the burst latency. */
export const ackLatencyRow = (f: ZaloAckFigures): Figure => ({
  value: `p99 ${median(f.burstP99Ms)} ms (worst ${Math.max(...f.burstP99Ms)}); GET /health ${median(f.healthBurstP99Ms)} ms${failed(f)}`,
  budget: `p99 ≤ ${P99_BUDGET_MS} ms`,
  met: f.non2xx === 0 && median(f.burstP99Ms) <= P99_BUDGET_MS,
});

/** The table's row for the acknowledgements per second. */
export const ackRateRow = (f: ZaloAckFigures): Figure => ({
  value: `${f.acksPerSecond.toFixed(0)} events/s = ${((f.acksPerSecond / f.healthPerSecond) * 100).toFixed(0)} % of GET /health${failed(f)}`,
});

/** The bench table's rows. */
export async function measure(): Promise<Figures> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const fresh = await withZaloService({}, (mock, url) => measureZaloAcks({ mock, url, seconds }));
  const rows: Figures = {
    'Zalo webhook acks, 200 connections': ackRateRow(fresh),
    [`Zalo ack latency, ${BURSTS} bursts of 200 events, empty journal`]: ackLatencyRow(fresh),
  };
  // The journal is rewritten whole on every write, so its size (hashes kept for the retention period) matters.
  for (const days of [2, 30]) {
    const hashes = days * EVENTS_PER_DAY;
    const env = { DATA_DIR: await dataDirWithJournal(hashes) };
    const figures = await withZaloService(env, (mock, url) => measureZaloAcks({ mock, url, seconds: 1 }));
    rows[`  same, journal holding ${days} days (${hashes.toLocaleString('en')} hashes)`] = ackLatencyRow(figures);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await promisify(execFile)('node', ['scripts/build.mjs'], { cwd: root });
  printFigures(await measure());
}
