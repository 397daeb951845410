import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { loadCommunes } from '../../src/content/communes.js';
import { loadLabelledSet } from '../../src/nlu/evaluation.js';
import { loadMatcher } from '../../src/nlu/matcher.js';
import { parseResponse, parseResultJson } from '../../src/plugins/nlu-routes.js';
import { testServiceEnv } from '../support/storage.js';

let app: FastifyInstance;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nlu-http-'));
  app = await buildApp(loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const parse = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/nlu/parse', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

describe('POST /api/nlu/parse', () => {
  it('answers with the intent, the top-5 ranking and the entities', async () => {
    const res = await parse(JSON.stringify({ text: 'ho ngheo vay dc bn, nha 4 nguoi' }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['entities', 'intent', 'ranking', 'text']);
    expect(body.text).toBe('ho ngheo vay dc bn, nha 4 nguoi');
    expect(body.intent).toEqual({ name: 'credit', confidence: expect.any(Number) });
    expect(body.ranking).toHaveLength(5);
    expect(body.entities).toEqual([{ entity: 'count', value: 4, text: '4 nguoi', start: 24, end: 31 }]);
  });

  it('answers fallback for a question outside the programme', async () => {
    const res = await parse(JSON.stringify({ text: 'giá vàng hôm nay' }));
    expect(res.json().intent.name).toBe('fallback');
  });

  it.each([
    ['text missing', {}, /Thiếu trường "text"/],
    ['text not a string', { text: 42 }, /"text" phải là chuỗi ký tự/],
    ['text empty', { text: '' }, /"text" không được để trống/],
    ['text only spaces', { text: '   ' }, /"text" không được để trống/],
    ['text over 2,000 characters', { text: 'a'.repeat(2001) }, /"text" dài quá 2000 ký tự/],
    ['an unknown field', { text: 'chao', extra: 1 }, /Không nhận các trường: extra/],
    ['not an object', ['chao'], /phải là đối tượng JSON/],
  ])('refuses %s with 400 and a message', async (_, body, message) => {
    const res = await parse(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(message) });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await parse('{"text": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('JSON') });
  });

  it('accepts exactly 2,000 characters', async () => {
    const res = await parse(JSON.stringify({ text: 'ho ngheo '.repeat(250).slice(0, 2000) }));
    expect(res.statusCode).toBe(200);
  });
});

describe('the parse response writer', () => {
  it('writes what the response schema would, for every development sentence and awkward texts', async () => {
    const root = join(import.meta.dirname, '../..');
    const matcher = await loadMatcher({ intentsDir: join(root, 'intents'), communes: await loadCommunes(join(root, 'content')) });
    const texts = [
      ...(await loadLabelledSet(join(root, 'test/nlu/dev-set.yaml'))).map((e) => e.text),
      // alternatives (split former commune, names that fold alike), inferred areas, money and counts
      'trước tôi ở phường Hoa Động, nhà 5 người thu nhập 3tr5',
      'xa cam giang vay 50 trieu',
      'tôi ở xã Thanh Hà',
      // characters JSON must escape, and ones it must not mangle
      'nhà tôi "nghèo" \\ lắm\t\n\u0001 😀 \u2028',
    ];
    let withEntities = 0;
    for (const text of texts) {
      const result = matcher.parse(text);
      if (result.entities.length > 0) withEntities++;
      expect(JSON.parse(parseResultJson(result)), text).toEqual(JSON.parse(JSON.stringify(parseResponse.parse(result))));
    }
    expect(withEntities).toBeGreaterThan(20);
  });
});

describe('GET /api/communes', () => {
  it('lists the 114 communes with their former units', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/communes' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.asOf).toBe('2025-07-01');
    expect(body.communes).toHaveLength(114);
    const thuyNguyen = body.communes.find((c: { name: string }) => c.name === 'Thủy Nguyên');
    expect(thuyNguyen).toMatchObject({ id: '11560', type: 'phuong' });
    expect(thuyNguyen.formerNames).toContainEqual({ name: 'Hoa Động', type: 'phuong', formerDistrict: 'thành phố Thủy Nguyên', portion: 'part' });
  });
});
