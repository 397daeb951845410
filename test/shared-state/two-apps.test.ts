import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { dropPrefix, TEST_REDIS_URL, testRedisPrefix } from '../support/redis.js';
import { openTestStorage } from '../support/storage.js';

/**
 * Two instances of the whole service in one process, sharing one Redis, one storage (as two instances share one
 * database) and, as behind a load balancer, one widget session secret.
 */
const prefix = testRedisPrefix('two-apps');
let a: FastifyInstance;
let b: FastifyInstance;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'two-apps-'));
  const storage = await openTestStorage(dataDir);
  const config = async () =>
    loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '40',
      WIDGET_SESSION_SECRET: 'a-secret-both-instances-share-0123456789',
    });
  a = await buildApp(await config(), { storage });
  b = await buildApp(await config(), { storage });
  await Promise.all([a.ready(), b.ready()]);
});
afterAll(async () => {
  const redis = a.sharedState.redis!;
  await b.close();
  // The last instance's connection clears the test's keys; closing the app would close it first.
  await dropPrefix({ ...redis, close: async () => undefined });
  await a.close();
});

const chat = (app: FastifyInstance, body: { sessionId?: string; text: string }, address = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/chat', payload: body, remoteAddress: address });

describe('two instances sharing Redis', () => {
  it('/health names Redis', async () => {
    // The probe gives Redis 3 s; on a machine busy enough to miss that once, ask again.
    let health = await a.inject({ method: 'GET', url: '/health' });
    for (let tries = 1; health.statusCode !== 200 && tries < 5; tries++) health = await a.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode, health.body).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
  });

  it('a self-assessment started on one instance goes on on the other, message after message', async () => {
    const first = await chat(a, { text: 'tu danh gia ho ngheo' }, '10.0.0.1');
    expect(first.statusCode).toBe(200);
    const { sessionId } = first.json() as { sessionId: string };
    const say = async (app: FastifyInstance, text: string) => {
      const res = await chat(app, { sessionId, text }, '10.0.0.1');
      expect(res.statusCode).toBe(200);
      return (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
    };
    expect(first.json().replies.map((r: { text: string }) => r.text).join('\n')).toContain('Câu 1/15');
    expect(await say(b, 'xa')).toContain('Câu 2/15');
    expect(await say(a, 'nha 3 ng')).toContain('Câu 3/15');
    expect(await say(b, 'thu nhap 3tr')).toContain('Câu 4/15');
    // Back to the question before, with the answer given on the other instance; then on again.
    expect(await say(a, 'quay lai')).toMatch(/Lần trước bạn trả lời: 3\.000\.000[\s\S]*Câu 3\/15/);
    expect(await say(b, '4tr')).toContain('Câu 4/15');
  });

  it('"did it help?" follows the first answer, then one in three new ones, counted over both instances', async () => {
    const helped = 'Câu trả lời có giúp được bạn không?';
    let sessionId: string | undefined;
    const ask = async (app: FastifyInstance, text: string) => {
      const res = await chat(app, { ...(sessionId ? { sessionId } : {}), text }, '10.0.0.3');
      expect(res.statusCode).toBe(200);
      sessionId = (res.json() as { sessionId: string }).sessionId;
      return (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text);
    };
    expect(await ask(a, 'lai suat vay von ho ngheo bao nhieu')).toContain(helped);
    expect(await ask(b, 'có')).toContain('Cảm ơn bạn! Bạn cần hỏi gì thêm cứ nhắn nhé.');
    expect(await ask(a, 'hoc phi cho con ho ngheo duoc mien khong')).not.toContain(helped);
    // The same entry again is not a new answer: not counted.
    expect(await ask(b, 'hoc phi cho con ho ngheo duoc mien khong')).not.toContain(helped);
    expect(await ask(a, 'lai suat vay von ho ngheo bao nhieu')).not.toContain(helped);
    expect(await ask(b, 'hoc phi cho con ho ngheo duoc mien khong')).toContain(helped);
  });

  it('an address has one request budget over both instances', async () => {
    const address = '10.0.0.2';
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await (i % 2 ? b : a).inject({ method: 'GET', url: '/api/communes', remoteAddress: address })).statusCode);
    for (let i = 0; i < 21; i++) statuses.push((await (i % 2 ? a : b).inject({ method: 'GET', url: '/api/communes', remoteAddress: address })).statusCode);
    // 40 a minute in all: the 41st and 42nd are refused, whichever instance they reach.
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.slice(40)).toEqual([429, 429]);
  });
});
