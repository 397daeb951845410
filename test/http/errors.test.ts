import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ON_REDIS, testServiceEnv } from '../support/storage.js';

let app: FastifyInstance;
beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'errors-'));
  app = await buildApp(loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent' }));
});
afterAll(() => app.close());

const chat = (payload: unknown, contentType = 'application/json') =>
  app.inject({
    method: 'POST',
    url: '/api/chat',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('HTTP errors', () => {
  it.each([
    ['a malformed body', '{"text": ', /JSON hợp lệ/],
    ['an empty body', '', /trống|JSON/],
    ['a missing text', {}, /"text"/],
    ['text that is not a string', { text: 42 }, /"text" phải là chuỗi ký tự/],
    ['text over 2,000 characters', { text: 'a'.repeat(2001) }, /"text" dài quá 2000 ký tự/],
    ['a malformed sessionId', { sessionId: '../etc', text: 'xin chào' }, /sessionId/],
  ])('%s → 400 with a message a person can act on', async (_label, body, message) => {
    const res = await chat(body as string);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(Object.keys(json).sort()).toEqual(['error', 'message']);
    expect(json.message).toMatch(message);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+|node_modules|\/work\//);
  });

  it('a wrong content type → 415 with a message', async () => {
    const res = await chat('<text>hello</text>', 'application/xml');
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toMatch(/application\/json/);
  });

  it('an unknown route → 404 JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'Không có đường dẫn GET /nope.' });
  });

  it('/health is ready and /docs serves the OpenAPI description', async () => {
    const health = { status: 'ok', database: 'ok', ...(ON_REDIS ? { redis: 'ok' } : {}) };
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual(health);
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toContain('/api/chat');
  });

  it('answers a question typed without diacritics, in Vietnamese with its legal basis', async () => {
    const res = await chat({ text: 'ho ngheo vay dc bn' });
    expect(res.statusCode).toBe(200);
    const texts = res.json().replies.map((r: { text: string }) => r.text).join('\n');
    expect(texts).toMatch(/Ngân hàng Chính sách|NHCSXH/);
    expect(texts).toMatch(/Căn cứ:/);
  });
});

describe('POST /api/chat message ids', () => {
  it('answers a retried message id from its first run instead of running it twice', async () => {
    const { sessionId } = (await chat({ id: 'm1', text: 'tu danh gia ho ngheo' })).json();
    // "1" answers the screening's current question; run twice it would also answer the next one.
    const answer = { sessionId, id: 'm2', text: '1' };
    const first = await chat(answer);
    const again = await chat(answer);
    expect(again.json()).toEqual(first.json());
    const without = await chat({ text: 'tu danh gia ho ngheo' });
    expect(without.statusCode).toBe(200);
    const other = without.json().sessionId;
    const once = (await chat({ sessionId: other, text: '1' })).json();
    const twice = (await chat({ sessionId: other, text: '1' })).json();
    expect(twice).not.toEqual(once);
  });
});
