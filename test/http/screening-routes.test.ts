import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { removeDiacritics } from '../../src/text/fold.js';
import { testServiceEnv } from '../support/storage.js';

let app: FastifyInstance;
let dataDir: string;
const clock = new ManualClock('2026-11-28T03:00:00Z');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'screening-http-'));
  app = await buildApp(loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }), { clock });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const evaluate = (payload: unknown) => app.inject({ method: 'POST', url: '/api/screening/evaluate', payload: payload as object });
const valid = { area: 'rural', householdSize: 4, monthlyIncome: 4_000_000, deprivations: ['health_insurance', 'sanitation', 'housing_quality'] };

describe('GET /api/screening/standards', () => {
  it('lists both standards with their dates, lines, indicators and questions, and the one in force today', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/screening/standards' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.today).toBe('2026-11-28');
    expect(body.current).toBe('vn-2022-2025');
    expect(body.standards.map((s: { id: string }) => s.id)).toEqual(['vn-2022-2025', 'vn-2027-2030']);
    const [old, next] = body.standards;
    expect(old).toMatchObject({ effectiveFrom: '2022-01-01', effectiveTo: '2026-12-31', provisional: false });
    expect(old.areas.rural).toEqual({ label: 'nông thôn', incomeLine: 1_500_000, averageLivingUpTo: 2_250_000 });
    const indicator = old.dimensions[1].indicators[1];
    expect(indicator).toMatchObject({ id: 'health_insurance', confirmed: false });
    expect(indicator.question).toContain('thẻ bảo hiểm y tế');
    expect(next).toMatchObject({ effectiveFrom: '2027-01-01', provisional: true });
  });
});

describe('POST /api/screening/evaluate', () => {
  it('answers with exactly the documented shape', async () => {
    const res = await evaluate(valid);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      ['category', 'deprivationCount', 'deprivedDimensions', 'disclaimer', 'entitlements', 'incomeLine', 'incomePerCapita', 'nextSteps', 'standard'].sort(),
    );
    expect(Object.keys(body.standard).sort()).toEqual(['effectiveFrom', 'effectiveTo', 'id', 'legalBasis', 'provisional', 'title']);
    expect(body).toMatchObject({ category: 'poor', incomePerCapita: 1_000_000, incomeLine: 1_500_000, deprivationCount: 3 });
    for (const e of body.entitlements) expect(Object.keys(e).sort()).toEqual(['confirmed', 'id', 'legalBasis', 'summary', 'title']);
    expect(body.nextSteps.join(' ')).toContain('Mẫu số 01');
    expect(body.disclaimer).toContain('Chỉ kết quả rà soát của UBND xã/phường');
  });

  it('chooses the standard by the given date: 31/12/2026 and 1/1/2027', async () => {
    const household = { area: 'rural', householdSize: 1, monthlyIncome: 2_000_000, deprivations: ['sanitation', 'telecom', 'employment'] };
    const before = (await evaluate({ ...household, date: '2026-12-31' })).json();
    expect(before.standard.id).toBe('vn-2022-2025');
    expect(before.category).toBe('average_living');
    const after = (await evaluate({ ...household, date: '2027-01-01' })).json();
    expect(after.standard).toMatchObject({ id: 'vn-2027-2030', provisional: true });
    expect(after.category).toBe('poor');
    expect(after.disclaimer).toContain('tạm tính');
  });

  it('without a date, uses today in Asia/Ho_Chi_Minh from the clock', async () => {
    const household = { area: 'urban', householdSize: 1, monthlyIncome: 2_500_000, deprivations: [] };
    clock.set('2026-12-31T16:59:59Z'); // 23:59:59 on 31/12 in Hà Nội time
    expect((await evaluate(household)).json().standard.id).toBe('vn-2022-2025');
    clock.set('2026-12-31T17:00:00Z'); // midnight: 1/1/2027
    const body = (await evaluate(household)).json();
    expect(body.standard.id).toBe('vn-2027-2030');
    expect(body.category).toBe('near_poor');
    clock.set('2026-11-28T03:00:00Z');
  });

  it('a household close to the line is told so', async () => {
    const body = (await evaluate({ ...valid, monthlyIncome: 6_300_000 })).json();
    expect(body.category).toBe('average_living');
    expect(body.disclaimer).toContain('chỉ cao hơn chuẩn nghèo một chút');
  });
});

interface BadCase {
  name: string;
  body: unknown;
  error: string;
  /** Words the message must contain: the field and what to send. */
  says: string[];
}

const bad: BadCase[] = [
  { name: 'body is not an object', body: [1, 2], error: 'invalid_request', says: ['đối tượng JSON'] },
  { name: 'missing area', body: { ...valid, area: undefined }, error: 'invalid_request', says: ['Thiếu trường "area"', '"rural"', '"urban"'] },
  { name: 'unknown area', body: { ...valid, area: 'city' }, error: 'invalid_request', says: ['"area"', '"rural"', '"urban"'] },
  { name: 'missing householdSize', body: { ...valid, householdSize: undefined }, error: 'invalid_request', says: ['Thiếu trường "householdSize"', 'từ 1 đến 30'] },
  { name: 'householdSize 0', body: { ...valid, householdSize: 0 }, error: 'invalid_request', says: ['"householdSize"', 'từ 1 đến 30'] },
  { name: 'householdSize negative', body: { ...valid, householdSize: -2 }, error: 'invalid_request', says: ['"householdSize"', 'số nguyên'] },
  { name: 'householdSize fractional', body: { ...valid, householdSize: 2.5 }, error: 'invalid_request', says: ['"householdSize"', 'số nguyên'] },
  { name: 'householdSize above 30', body: { ...valid, householdSize: 31 }, error: 'invalid_request', says: ['"householdSize"', 'từ 1 đến 30'] },
  { name: 'householdSize as text', body: { ...valid, householdSize: '4' }, error: 'invalid_request', says: ['"householdSize"', 'ví dụ 4'] },
  { name: 'missing monthlyIncome', body: { ...valid, monthlyIncome: undefined }, error: 'invalid_request', says: ['Thiếu trường "monthlyIncome"'] },
  { name: 'negative monthlyIncome', body: { ...valid, monthlyIncome: -1 }, error: 'invalid_request', says: ['"monthlyIncome"', 'không âm'] },
  { name: 'monthlyIncome beyond any household', body: { ...valid, monthlyIncome: 1e308 }, error: 'invalid_request', says: ['"monthlyIncome"', 'không quá 1.000 tỷ'] },
  { name: 'non-numeric monthlyIncome', body: { ...valid, monthlyIncome: '5 triệu' }, error: 'invalid_request', says: ['"monthlyIncome"', 'ví dụ 6000000'] },
  { name: 'null monthlyIncome', body: { ...valid, monthlyIncome: null }, error: 'invalid_request', says: ['"monthlyIncome"'] },
  { name: 'missing deprivations', body: { ...valid, deprivations: undefined }, error: 'invalid_request', says: ['Thiếu trường "deprivations"', 'gửi []'] },
  { name: 'deprivations not a list', body: { ...valid, deprivations: 'sanitation' }, error: 'invalid_request', says: ['"deprivations"', 'danh sách'] },
  { name: 'deprivations with a number', body: { ...valid, deprivations: [3] }, error: 'invalid_request', says: ['"deprivations"'] },
  { name: 'repeated indicator', body: { ...valid, deprivations: ['sanitation', 'sanitation'] }, error: 'invalid_request', says: ['"sanitation"', 'lặp lại'] },
  { name: 'unknown indicator id', body: { ...valid, deprivations: ['toilet'] }, error: 'unknown_indicator', says: ['"toilet"', 'vn-2022-2025', 'Các mã hợp lệ', 'information_access'] },
  {
    name: 'indicator dropped from the 2027 standard',
    body: { ...valid, date: '2027-01-01', deprivations: ['information_access'] },
    error: 'unknown_indicator',
    says: ['"information_access"', 'vn-2027-2030', 'telecom', 'household_waste'],
  },
  { name: 'indicator of 2027 asked in 2026', body: { ...valid, deprivations: ['household_waste'] }, error: 'unknown_indicator', says: ['"household_waste"', 'vn-2022-2025'] },
  { name: 'malformed date', body: { ...valid, date: '28/11/2026' }, error: 'invalid_request', says: ['"date"', 'YYYY-MM-DD', '2026-11-28'] },
  { name: 'impossible date', body: { ...valid, date: '2026-02-30' }, error: 'invalid_request', says: ['"date"', 'ngày có thật'] },
  { name: 'date as a number', body: { ...valid, date: 20261128 }, error: 'invalid_request', says: ['"date"'] },
  { name: 'date before any standard', body: { ...valid, date: '2021-12-31' }, error: 'no_standard_for_date', says: ['2021-12-31', 'vn-2022-2025 (từ 2022-01-01'] },
  { name: 'date after every standard', body: { ...valid, date: '2031-01-01' }, error: 'no_standard_for_date', says: ['2031-01-01', 'đến 2030-12-31'] },
  { name: 'unknown field', body: { ...valid, income: 5 }, error: 'invalid_request', says: ['"income"', 'monthlyIncome'] },
  { name: 'several problems at once', body: { area: 'x', householdSize: 0, monthlyIncome: -5, deprivations: [] }, error: 'invalid_request', says: ['"area"', '"householdSize"', '"monthlyIncome"'] },
];

describe('POST /api/screening/evaluate: bad input', () => {
  it.each(bad)('400 for $name, with a message saying what to fix', async ({ body, error, says }) => {
    const res = await evaluate(body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(Object.keys(json).sort()).toEqual(['error', 'message']);
    expect(json.error).toBe(error);
    for (const words of says) expect(json.message).toContain(words);
    // Vietnamese with its diacritics, and nothing of the code.
    expect(removeDiacritics(json.message)).not.toBe(json.message);
    expect(json.message).not.toMatch(/at \w+ \(|ZodError|stack/i);
  });

  it('400 for a body that is not JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/screening/evaluate',
      headers: { 'content-type': 'application/json' },
      payload: '{"area": "rural",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: 'Nội dung gửi lên không phải JSON hợp lệ.' });
  });

  it('400 for an empty body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/screening/evaluate', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('bad_request');
  });
});
