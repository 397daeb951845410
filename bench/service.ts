import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { onServerCore } from './cpus.js';
import { median } from './figures.js';

/** A built service (dist/main.js) running in its own process on a free port, with a fresh data directory. */
export interface RunningService {
  url: string;
  port: number;
  process: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /health. */
  startupMs: number;
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startService(env: Record<string, string> = {}): Promise<RunningService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  const port = await freePort();
  const started = performance.now();
  // As `npm start` runs it.
  const [command, args] = onServerCore(['--enable-source-maps', 'dist/main.js']);
  const child = spawn(command, args, {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      // The bench opens thousands of sockets from one address on purpose.
      WIDGET_SOCKETS_PER_ADDRESS: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  return {
    url,
    port,
    process: child,
    startupMs,
    rssBytes: () => processRss(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The texts of the bench's chat turns: short questions as citizens type them, without diacritics. */
export const CHAT_TEXTS = [
  'ho ngheo vay dc bn',
  'the bhyt ho can ngheo',
  'xin chao',
  'hoc phi cho con ho ngheo',
  'lam sao de dc xet ho ngheo',
  'nha e 4 nguoi thu nhap 5tr',
];

/**
 * `/api/chat` request bodies for a load: `conversations` conversations (200 unless given) on session ids the service at
 * `url` issued (an id it did not issue would start a new one each time), three turns each, cycling through CHAT_TEXTS.
 * A conversation's turns are `conversations` bodies apart, the cycle's wrap included: behind a round robin over two
 * instances an even number keeps each conversation on one instance, an odd one sends its turns to each in turn.
 */
export async function chatRequestBodies(url: string, conversations = 200): Promise<string[]> {
  const sessionIds: string[] = [];
  for (let i = 0; i < conversations; i++) {
    const response = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'xin chao' }),
    });
    sessionIds.push(((await response.json()) as { sessionId: string }).sessionId);
  }
  return Array.from({ length: 3 * conversations }, (_, i) => {
    const conversation = i % conversations;
    const turn = Math.floor(i / conversations);
    return JSON.stringify({ sessionId: sessionIds[conversation], text: CHAT_TEXTS[(conversation + 2 * turn) % CHAT_TEXTS.length] });
  });
}

/** A port nothing listens on now, chosen by the system (a random pick once collided with a load connection's). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A round's throughput as the bench compares it: per CPU-second of the servers where /proc tells, else per second. */
export const capacity = (r: LoadResult) => r.requestsPerCpuSecond ?? r.requestsPerSecond;

const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** A route's rounds in the table: median and range per second and per CPU-second, and how busy the servers were. */
export function describeLoads(results: LoadResult[]): string {
  const shares = results.flatMap((r) => (r.serverBusy === undefined ? [] : [r.serverBusy]));
  const busy = shares.length ? `; server busy ${pct(Math.min(...shares))}–${pct(Math.max(...shares))}` : '';
  const perSecond = results.map((r) => r.requestsPerSecond);
  return `${median(perSecond).toFixed(0)} req/s (${range(perSecond)}); ${median(results.map(capacity)).toFixed(0)} per CPU-second (${range(results.map(capacity))})${busy}`;
}

/**
 * Each round's capacity over its yardstick's in the same round, and their median, as `X % of <what> (rounds A–B %)`:
 * the two sides of each ratio see the same spell of this shared machine.
 */
export function ratioOfRounds(
  results: LoadResult[],
  yardstick: (round: number) => number,
  of: string,
): { ratio: number; text: string } {
  const ratios = results.map((r, i) => capacity(r) / yardstick(i));
  const ratio = median(ratios);
  return { ratio, text: `${pct(ratio)} of ${of} (rounds ${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))})` };
}

/** Resident memory of a process, from /proc (Linux). */
export async function processRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  /**
   * Requests per second of the servers' CPU time (`serverPids` given, Linux): their throughput on one busy core. With
   * several instances, their CPU times are summed.
   */
  requestsPerCpuSecond?: number;
  /** The servers' CPU time as a share of the wall time: near 1 when they, not the load generator, set the pace. */
  serverBusy?: number;
}

/** The load generator's connections to a service unless told otherwise. */
export const CONNECTIONS = 50;

/**
 * autocannon against one route; bodies cycle so sessions and texts vary like real traffic. With `serverPids`, the
 * servers' CPU time over the run is read from /proc as well.
 *
 * While the load runs, this process's event loop keeps polling instead of sleeping between responses. On this VM,
 * waking a sleeping load generator costs the *server's* core a virtualised interrupt of tens of microseconds, and it
 * is needed more often the slower the route (the generator waits longer between responses): 10 or 25 µs of pure
 * computation added to the bare route cost it 15–32 or 36–56 µs per request with a sleeping generator, 4–10 or
 * 20–27 µs with a polling one. A server answering remote clients pays no such cost.
 */
export async function load(options: {
  url: string;
  method?: 'GET' | 'POST';
  bodies?: string[];
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
  serverPids?: readonly number[];
}): Promise<LoadResult> {
  const bodies = options.bodies;
  let i = 0;
  const cpuBefore = options.serverPids === undefined ? undefined : await processesCpuMs(options.serverPids);
  const started = performance.now();
  const result = await keepPolling(
    autocannon({
      url: options.url,
      method: options.method ?? 'GET',
      connections: options.connections ?? CONNECTIONS,
      duration: options.seconds ?? 5,
      headers: { 'content-type': 'application/json', ...options.headers },
      requests: bodies
        ? [
            {
              setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies[i++ % bodies.length] }),
            },
          ]
        : undefined,
    }),
  );
  const figures: LoadResult = { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
  if (cpuBefore === undefined || cpuBefore === null) return figures;
  const cpuMs = ((await processesCpuMs(options.serverPids!)) ?? cpuBefore) - cpuBefore;
  if (cpuMs <= 0) return figures;
  return { ...figures, requestsPerCpuSecond: result.requests.total / (cpuMs / 1000), serverBusy: cpuMs / (performance.now() - started) };
}

/** Resolves as `work` does, with this process's event loop spinning (never blocked in its poll) until then. */
async function keepPolling<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const spin = () => {
    if (!done) setImmediate(spin);
  };
  spin();
  try {
    return await work;
  } finally {
    done = true;
  }
}

/** User plus system CPU time of processes in milliseconds, summed, from /proc (Linux); null elsewhere. */
async function processesCpuMs(pids: readonly number[]): Promise<number | null> {
  try {
    let total = 0;
    for (const pid of pids) {
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 1/100 s.
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    }
    return total;
  } catch {
    return null;
  }
}
