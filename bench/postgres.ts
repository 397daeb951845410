/**
 * `npm run bench -- --postgres`: the service on PostgreSQL with Redis (DATABASE_URL, REDIS_URL), as several instances
 * run it. Needs the machine's PostgreSQL and Redis (see bench/shared-servers.ts).
 *
 * - `/api/chat` per CPU-second of the instances (their /proc CPU times summed): one lowdb instance, one PostgreSQL
 *   instance, and one and two PostgreSQL instances behind a round-robin proxy (test/support/round-robin-proxy.ts, in
 *   the load generator's process, on its core). Each round measures them in turn, so each ratio's two sides see
 *   the same spell of the machine: PostgreSQL against lowdb (both straight to the instance) and two instances
 *   against one (both through the proxy). The yardstick is CPU time because the instances share one core here, so
 *   requests per wall second cannot grow with a second instance; what the ratio shows is what a second instance costs.
 *   Two instances are measured with each conversation's turns going to each instance in turn, as a load balancer
 *   without affinity sends them (nginx's round robin, docs/deployment.md), where every turn takes the session another
 *   instance wrote; and, for comparison, with each conversation staying on one instance, as with affinity, and with
 *   turns alternating under twice the connections, so each instance sees the load the one instance saw (what a second
 *   instance costs when it is added for twice the traffic; at the same total load each sees half, and smaller batches
 *   per wake-up cost more CPU per turn: docs/performance.md, run 34).
 * - Zalo webhook acknowledgement p99 under bursts of 200 events, one instance on PostgreSQL;
 * - the 100,000-subscriber fan-out on two instances (bench/announcements.ts).
 *
 * `npx tsx bench/postgres.ts` runs it alone (the build must be current).
 */
import { pathToFileURL } from 'node:url';
import { startRoundRobinProxy } from '../test/support/round-robin-proxy.js';
import { measure as measureFanOut, postgresFanOut } from './announcements.js';
import { type Figures, printFigures } from './figures.js';
import { CONNECTIONS, capacity, chatRequestBodies, describeLoads, type LoadResult, load, type RunningService, ratioOfRounds, startService } from './service.js';
import { openSharedServers } from './shared-servers.js';
import { ackLatencyRow, ackRateRow, BURSTS, measureZaloAcks, withZaloService } from './zalo.js';

/** Issue 19's budgets: a second instance costs little, PostgreSQL costs less than a third of the embedded store. */
const TWO_INSTANCES_FLOOR = 0.85;
const POSTGRES_FLOOR = 0.7;

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const notOk = (results: LoadResult[]) => results.reduce((n, r) => n + r.non2xx, 0);

export async function measureChat(seconds: number, rounds: number): Promise<Figures> {
  const servers = await openSharedServers('chat');
  const instances: RunningService[] = [];
  const start = async (env: Record<string, string>) => {
    const service = await startService(env);
    instances.push(service);
    return service;
  };
  try {
    const lowdb = await start({});
    const first = await start(servers.env);
    const second = await start(servers.env);
    const toFirst = await startRoundRobinProxy([first.url]);
    const toBoth = await startRoundRobinProxy([first.url, second.url]);
    try {
      const lowdbBodies = await chatRequestBodies(lowdb.url);
      // Conversations in Redis. 200 of them: behind the round robin over two instances each stays on one instance.
      const postgresBodies = await chatRequestBodies(first.url);
      // 201: each conversation's next turn goes to the other instance.
      const alternatingBodies = await chatRequestBodies(first.url, 201);
      const chat = (url: string, bodies: string[], serving: RunningService[], connections?: number) => () =>
        load({ url: `${url}/api/chat`, method: 'POST', bodies, seconds, connections, serverPids: serving.map((s) => s.process.pid!) });
      const measure = {
        lowdb: chat(lowdb.url, lowdbBodies, [lowdb]),
        postgres: chat(first.url, postgresBodies, [first]),
        proxiedOne: chat(toFirst.url, postgresBodies, [first]),
        proxiedTwo: chat(toBoth.url, alternatingBodies, [first, second]),
        proxiedTwoSticky: chat(toBoth.url, postgresBodies, [first, second]),
        // Each instance sees as many connections as the one instance did: what a second instance added for twice the
        // traffic costs, without the smaller batches per wake-up that half the traffic each brings (run 34).
        proxiedTwoDoubled: chat(toBoth.url, alternatingBodies, [first, second], 2 * CONNECTIONS),
      };
      const runs: Record<keyof typeof measure, LoadResult[]> = { lowdb: [], postgres: [], proxiedOne: [], proxiedTwo: [], proxiedTwoSticky: [], proxiedTwoDoubled: [] };
      // Warm-up, not counted: the JIT compiles the hot paths, connections to PostgreSQL and Redis open. The second
      // instance then serves as many warm-up turns as the first did (which had the straight and the proxied loads), or
      // its rounds would count its compiling what the first has compiled already: a cost of starting, not of scaling.
      const warmSecond = chat(second.url, postgresBodies, [second]);
      for (const warmUp of [...Object.values(measure), warmSecond, warmSecond]) await warmUp();
      for (let round = 0; round < rounds; round++) {
        for (const [name, run] of Object.entries(measure) as [keyof typeof measure, () => Promise<LoadResult>][]) {
          runs[name].push(await run());
        }
      }
      const postgres = ratioOfRounds(runs.postgres, (i) => capacity(runs.lowdb[i]!), 'lowdb');
      const two = ratioOfRounds(runs.proxiedTwo, (i) => capacity(runs.proxiedOne[i]!), 'one instance');
      const sticky = ratioOfRounds(runs.proxiedTwoSticky, (i) => capacity(runs.proxiedOne[i]!), 'one instance');
      const doubled = ratioOfRounds(runs.proxiedTwoDoubled, (i) => capacity(runs.proxiedOne[i]!), 'one instance');
      const failures = (results: LoadResult[]) => (notOk(results) ? `; ${notOk(results)} not 2xx` : '');
      return {
        '/api/chat, lowdb, 1 instance (median of rounds; range)': { value: `${describeLoads(runs.lowdb)}${failures(runs.lowdb)}` },
        '/api/chat, PostgreSQL + Redis, 1 instance': {
          value: `${describeLoads(runs.postgres)} = ${postgres.text}${failures(runs.postgres)}`,
          budget: `≥ ${pct(POSTGRES_FLOOR)} of lowdb`,
          met: notOk(runs.postgres) === 0 && postgres.ratio >= POSTGRES_FLOOR,
        },
        '/api/chat via proxy, PostgreSQL + Redis, 1 instance': { value: `${describeLoads(runs.proxiedOne)}${failures(runs.proxiedOne)}` },
        '/api/chat via proxy, PostgreSQL + Redis, 2 instances, turns alternating instances': {
          value: `${describeLoads(runs.proxiedTwo)} = ${two.text}${failures(runs.proxiedTwo)}`,
          budget: `≥ ${pct(TWO_INSTANCES_FLOOR)} of one per CPU-second`,
          met: notOk(runs.proxiedTwo) === 0 && notOk(runs.proxiedOne) === 0 && two.ratio >= TWO_INSTANCES_FLOOR,
        },
        '/api/chat via proxy, PostgreSQL + Redis, 2 instances, each conversation on one instance': {
          value: `${describeLoads(runs.proxiedTwoSticky)} = ${sticky.text}${failures(runs.proxiedTwoSticky)}`,
        },
        [`/api/chat via proxy, PostgreSQL + Redis, 2 instances alternating, ${2 * CONNECTIONS} connections`]: {
          value: `${describeLoads(runs.proxiedTwoDoubled)} = ${doubled.text}${failures(runs.proxiedTwoDoubled)}`,
        },
      };
    } finally {
      await toFirst.close();
      await toBoth.close();
    }
  } finally {
    for (const instance of instances) await instance.stop();
    await servers.close();
  }
}

export async function measureZalo(seconds: number): Promise<Figures> {
  const servers = await openSharedServers('zalo');
  try {
    const figures = await withZaloService(servers.env, (mock, url) => measureZaloAcks({ mock, url, seconds }));
    return {
      'Zalo webhook acks, 200 connections, PostgreSQL': ackRateRow(figures),
      [`Zalo ack latency, ${BURSTS} bursts of 200 events, PostgreSQL`]: ackLatencyRow(figures),
    };
  } finally {
    await servers.close();
  }
}

/** The rows bench/run.ts prints with `--postgres`; with BENCH_CHAT_ONLY=1, the `/api/chat` rows alone (A/B runs of a turn). */
export async function measure(): Promise<Figures> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  const chat = await measureChat(seconds, rounds);
  if (process.env.BENCH_CHAT_ONLY === '1') return chat;
  return {
    ...chat,
    ...(await measureZalo(Number(process.env.BENCH_SECONDS ?? 5))),
    ...(await measureFanOut(await postgresFanOut())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printFigures(await measure());
