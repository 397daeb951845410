/**
 * `npm run bench`: the one place speed and memory are measured. Throughput is reported as a ratio against a bare
 * Fastify route measured in the same run on the same machine, beside the absolute figures.
 */
import { type ChildProcess, fork } from 'node:child_process';
import WebSocket from 'ws';
import { load, startService } from './service.js';

interface Row {
  figure: string;
  value: string;
  budget: string;
}
const rows: Row[] = [];
const record = (figure: string, value: string, budget = '') => {
  rows.push({ figure, value, budget });
  console.error(`  ${figure}: ${value}`);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

const CHAT_TEXTS = [
  'ho ngheo vay dc bn',
  'the bhyt ho can ngheo',
  'xin chao',
  'hoc phi cho con ho ngheo',
  'lam sao de dc xet ho ngheo',
  'nha e 4 nguoi thu nhap 5tr',
];

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork('bench/bare-server.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return { url: `http://127.0.0.1:${port}`, child };
}

async function openSockets(url: string, count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const wsUrl = `${url.replace('http', 'ws')}/ws/chat`;
  for (let i = 0; i < count; i += 250) {
    const batch = Array.from({ length: Math.min(250, count - i) }, () => {
      const ws = new WebSocket(wsUrl, { origin: url });
      sockets.push(ws);
      return new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  console.error('Measuring (each load runs %d s)…', seconds);

  const bare = await startBare();
  const bareResult = await load({ url: `${bare.url}/bare`, method: 'POST', bodies: ['{}'], seconds });
  record('bare Fastify route', `${bareResult.requestsPerSecond.toFixed(0)} req/s`);
  bare.child.kill('SIGTERM');

  const service = await startService();
  record('start-up to ready /health', `${service.startupMs.toFixed(0)} ms`, '≤ 1000 ms');
  await new Promise((r) => setTimeout(r, 1000));
  record('resident memory, idle', mb(await service.rssBytes()), '≤ 150 MB');

  const chatBodies = Array.from({ length: 600 }, (_, i) =>
    JSON.stringify({ sessionId: `bench-session-${i % 200}`, text: CHAT_TEXTS[i % CHAT_TEXTS.length] }),
  );
  const chat = await load({ url: `${service.url}/api/chat`, method: 'POST', bodies: chatBodies, seconds });
  record('/api/chat', `${chat.requestsPerSecond.toFixed(0)} req/s = ${pct(chat.requestsPerSecond / bareResult.requestsPerSecond)} of bare`, '≥ 25 %');

  const parseBodies = CHAT_TEXTS.map((text) => JSON.stringify({ text }));
  const parse = await load({ url: `${service.url}/api/nlu/parse`, method: 'POST', bodies: parseBodies, seconds });
  if (parse.non2xx === 0) {
    record('/api/nlu/parse', `${parse.requestsPerSecond.toFixed(0)} req/s = ${pct(parse.requestsPerSecond / bareResult.requestsPerSecond)} of bare`, '≥ 50 %');
  }

  const idleRss = await service.rssBytes();
  try {
    const sockets = await openSockets(service.url, 5000);
    await new Promise((r) => setTimeout(r, 1000));
    const withSockets = await service.rssBytes();
    record('resident memory, 5,000 open WebSockets', `${mb(withSockets)} (${((withSockets - idleRss) / 5000 / 1024).toFixed(1)} KB per socket)`, '≤ 64 KB per socket');
    for (const ws of sockets) ws.terminate();
  } catch (error) {
    record('resident memory, 5,000 open WebSockets', `not measured: ${(error as Error).message}`);
  }
  await service.stop();

  for (const module of ['./nlu.js', './zalo.js', './widget.js', './announcements.js']) {
    try {
      const { measure } = (await import(module)) as { measure: () => Promise<Record<string, [string, string?]>> };
      for (const [figure, [value, budget]] of Object.entries(await measure())) record(figure, value, budget ?? '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }

  const width = Math.max(...rows.map((r) => r.figure.length));
  const valueWidth = Math.max(...rows.map((r) => r.value.length));
  console.log(`\n${'figure'.padEnd(width)} | ${'measured'.padEnd(valueWidth)} | budget`);
  console.log(`${'-'.repeat(width)}-|-${'-'.repeat(valueWidth)}-|-------`);
  for (const r of rows) console.log(`${r.figure.padEnd(width)} | ${r.value.padEnd(valueWidth)} | ${r.budget}`);
  process.exit(0);
}

await main();
