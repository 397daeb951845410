import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFuzzApp } from './fuzz-app.js';
import { expectHumanMessage, heapAfterGc, hostileObject, hostileString, json, PROTO_KEYS, RUNS } from './hostile.js';

/**
 * The widget socket under hostile frames: random JSON, wrong types, prototype keys, binary frames, frames over the
 * size limit, text frames that are not UTF-8. The server answers with error frames that carry a message, never an
 * internal error, closes only with the protocol's own codes, and keeps serving everyone else.
 */
const f = await startFuzzApp();
const hasSocket = f.has('GET', '/ws/chat');
const base = hasSocket ? await f.app.listen({ port: 0, host: '127.0.0.1' }) : '';
const wsUrl = `${base.replace('http', 'ws')}/ws/chat`;
afterAll(() => f.close());

type Frame = { kind: 'text'; data: string } | { kind: 'bytes'; data: Buffer; binary: boolean };

const sid = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
const field = (a: fc.Arbitrary<string>) => a.map((s) => JSON.stringify(s));
const text = (data: string): Frame => ({ kind: 'text', data });
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 3, arbitrary: sid.map((s) => text(JSON.stringify({ type: 'hello', v: 1, sessionId: s }))) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.oneof(fc.constantFrom('xin chào', 'xóa dữ liệu của tôi', '1'), hostileString))
      .map(([id, words]) => text(JSON.stringify({ type: 'message', id, text: words }))),
  },
  {
    weight: 6,
    arbitrary: hostileObject({
      type: fc.constantFrom('hello', 'message', 'clear', 'welcome', 'error', ...PROTO_KEYS).map((t) => JSON.stringify(t)),
      v: fc.oneof(json(1), json(2), json('1'), json(null)),
      sessionId: fc.oneof(field(sid), field(hostileString)),
      commune: fc.oneof(json('10507'), field(hostileString)),
      id: fc.oneof(json('m1'), field(hostileString)),
      text: field(hostileString),
      payload: fc.oneof(json('privacy:view'), json('intent:help'), field(hostileString)),
    }).map(text),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map(text) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, data: Buffer.from(bytes), binary: true })) },
  // Not UTF-8, sent as a text frame.
  { weight: 1, arbitrary: fc.constantFrom([0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80]).map((b) => ({ kind: 'bytes' as const, data: Buffer.from(b), binary: false })) },
  { weight: 1, arbitrary: fc.constantFrom(25_000, 100_000).map((n) => text(JSON.stringify({ type: 'message', id: 'big', text: 'x'.repeat(n) }))) },
);

/** Close codes the server may use: normal, none given, bad data (not UTF-8), too big, unsupported protocol version. */
const ALLOWED_CLOSE_CODES = [1000, 1005, 1007, 1009, 4001];

async function session(frames: Frame[]): Promise<void> {
  const ws = new WebSocket(wsUrl);
  const received: string[] = [];
  let closeCode: number | null = null;
  const closed = new Promise<void>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      resolve();
    }),
  );
  ws.on('message', (data) => received.push(data.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const f of frames) {
    if (ws.readyState !== WebSocket.OPEN) break;
    ws.send(f.data, { binary: f.kind === 'bytes' && f.binary });
  }
  // A last message, answered after everything before it on this connection: then the exchange is complete.
  if (ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ type: 'hello', v: 1, sessionId: 'fuzz-sentinel-1' }));
    ws.send(JSON.stringify({ type: 'message', id: 'sentinel', text: 'xin chào' }));
    await Promise.race([closed, until(() => received.some((r) => r.includes('"id":"sentinel"')))]);
    ws.close();
  }
  await closed;

  for (const raw of received) {
    const parsed = JSON.parse(raw) as { type?: unknown; code?: unknown; message?: unknown };
    expect(typeof parsed.type).toBe('string');
    if (parsed.type === 'error') {
      expect(parsed.code, raw).not.toBe('internal');
      expect(typeof parsed.message === 'string' && parsed.message.trim().length > 0, raw).toBe(true);
      expectHumanMessage(parsed.message as string, raw);
    }
    expect(raw).not.toMatch(/node_modules|\/src\/|\.ts:\d+|\bat [^\s(]+ \(/);
  }
  expect(ALLOWED_CLOSE_CODES, `close code ${closeCode}`).toContain(closeCode);
}

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : setTimeout(check, 2));
    check();
  });
}

async function stillServing(): Promise<void> {
  const ws = new WebSocket(wsUrl);
  const welcome = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'hello', v: 1, sessionId: 'still-serving-1' }));
  // A chosen id is replaced by one the server issues.
  expect(JSON.parse(await welcome)).toMatchObject({ type: 'welcome', sessionId: expect.stringMatching(/^[\w-]{44}$/) });
  ws.close();
  expect((await fetch(`${base}/health`)).status).toBe(200);
}

describe('widget socket under hostile frames', () => {
  it.skipIf(!hasSocket)('GET /ws/chat: no internal errors, only protocol close codes, keeps serving', async () => {
    await fc.assert(fc.asyncProperty(fc.array(frame, { maxLength: 12 }), session), { numRuns: Math.ceil(RUNS / 2) });
    await stillServing();
  });

  it.skipIf(!hasSocket)('GET /ws/chat: the heap stays flat over rounds of the same traffic', async () => {
    const round = () => fc.assert(fc.asyncProperty(fc.array(frame, { maxLength: 12 }), session), { numRuns: 60, seed: 42 });
    await round();
    const before = heapAfterGc();
    await round();
    await round();
    expect(heapAfterGc() - before).toBeLessThan(32 * 1024 * 1024);
  });
});
