import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { CitizenRecord, DeliveryRecord } from '../../src/storage/records.js';
import type { Storage } from '../../src/storage/repositories.js';
import { ADMIN } from '../announcements/support/app-bed.js';
import { COMMUNE_A, COMMUNE_B, DAY_MS } from '../announcements/support/bed.js';
import { deliveryRecords, publishedAnnouncement } from '../support/records.js';
import { openTestStorage, testServiceEnv } from '../support/storage.js';

/**
 * The dashboard against known data: chat turns through the real engine (their intents checked as they are fed),
 * handoff, staff-response and self-assessment events through the statistics port, and delivery records of
 * announcements inside and outside the period. Every figure of the report is written out by hand below.
 */

const W48 = '2026-11-28T03:00:00Z'; // Saturday 10:00 in Hải Phòng: ISO week 2026-W48
const PERIOD = 'from=2026-11-23&to=2026-12-06'; // W48 and W49

let app: FastifyInstance;
let storage: Storage;
let dataDir: string;
const clock = new ManualClock(W48);

const citizen = (channel: 'web' | 'zalo', userId: string, commune: string | null): CitizenRecord => ({
  id: `${channel}:${userId}`,
  channel,
  userId,
  firstSeenAt: W48,
  lastInteractionAt: W48,
  noticeShownAt: W48,
  consent: null,
  following: true,
  commune,
  subscribed: commune !== null,
  subscribedAt: commune ? W48 : null,
});
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

const deliveries = (announcementId: string, channel: 'web' | 'zalo', state: DeliveryRecord['state'], userIds: string[]) =>
  deliveryRecords(announcementId, channel, state, userIds, W48);

/** One chat turn; the test fails here if the engine answered it as another intent than the data assumes. */
async function ask(userId: string, text: string, intent: string): Promise<void> {
  const turn = await app.engine.turn({ channel: 'web', userId, text });
  expect(turn.intent, `${userId}: ${text}`).toBe(intent);
}

async function inject(url: string, cookie: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}
async function login(username: string, password: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/staff/login', payload: { username, password } });
  expect(response.statusCode).toBe(200);
  return String(response.headers['set-cookie']).split(';')[0]!;
}

let admin: string;
let officerA: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dashboard-test-'));
  storage = await openTestStorage(dataDir);
  const webA = ids('a', 16);
  const webB = ids('b', 3);
  const zaloA = ids('z', 11);
  for (const id of webA) await storage.citizens.save(citizen('web', id, COMMUNE_A));
  for (const id of webB) await storage.citizens.save(citizen('web', id, COMMUNE_B));
  for (const id of zaloA) await storage.citizens.save(citizen('zalo', id, COMMUNE_A));
  // Reach: X1 to A and X2 to B published in W48; X3 to A two weeks earlier (outside the period).
  await storage.announcements.save(publishedAnnouncement('x1', [COMMUNE_A], '2026-11-25T02:00:00Z'));
  await storage.announcements.save(publishedAnnouncement('x2', [COMMUNE_B], '2026-11-26T02:00:00Z'));
  await storage.announcements.save(publishedAnnouncement('x3', [COMMUNE_A], '2026-11-11T02:00:00Z'));
  await storage.deliveries.enqueue([
    ...deliveries('x1', 'web', 'sent', webA.slice(0, 6)),
    ...deliveries('x1', 'web', 'failed', webA.slice(6, 8)),
    ...deliveries('x1', 'zalo', 'sent', zaloA.slice(0, 7)),
    ...deliveries('x1', 'zalo', 'skipped', zaloA.slice(7, 8)),
    ...deliveries('x1', 'zalo', 'pending_window', zaloA.slice(8, 11)),
    ...deliveries('x2', 'web', 'sent', [...webB, 'b99']),
    ...deliveries('x3', 'web', 'sent', webA.slice(0, 9)),
  ]);
  await storage.citizens.save(citizen('web', 'b99', COMMUNE_B));

  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(await testServiceEnv(dataDir)),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  app = await buildApp(config, { clock, storage });
  await app.ready();

  // Week 48. Commune A: 6 credit questions, 5 on health insurance, 5 the bot could not answer, a greeting (no question).
  const credit = 'vay vốn ngân hàng chính sách xã hội lãi suất bao nhiêu';
  const health = 'hộ cận nghèo được hỗ trợ mua thẻ bảo hiểm y tế bao nhiêu';
  const unknown = 'xyzzy plugh qwerty';
  for (const id of webA.slice(0, 6)) await ask(id, credit, 'credit');
  for (const id of webA.slice(6, 11)) await ask(id, health, 'health_insurance');
  for (const id of webA.slice(11, 16)) await ask(id, unknown, 'fallback');
  await ask('a01', 'xin chào', 'greeting');
  // Commune B: 3 credit questions; a citizen whose commune is not known: 1.
  for (const id of webB) await ask(id, credit, 'credit');
  await ask('u01', credit, 'credit');

  // Handoffs, staff replies and self-assessments of W48, through the port the handoff and the screening call.
  const at = clock.now();
  for (const topic of ['credit', 'credit', 'credit', 'credit', 'fallback', 'fallback']) {
    await app.stats.recordHandoff({ commune: COMMUNE_A, topic, at });
  }
  await app.stats.recordHandoff({ commune: COMMUNE_B, topic: null, at });
  await app.stats.recordHandoff({ commune: COMMUNE_B, topic: 'credit', at });
  for (const seconds of [120, 240, 300, 600, 700, 2000, 7200, 20000]) {
    await app.stats.recordStaffResponse({ commune: COMMUNE_A, seconds, at });
  }
  const screened = { poor: 1, near_poor: 5, none: 6 };
  for (const [category, n] of Object.entries(screened)) {
    for (let i = 0; i < n; i++) await app.stats.recordScreening({ commune: COMMUNE_A, category, at });
  }

  // Week 49.
  clock.advance(7 * DAY_MS);
  await ask('a01', 'cho tôi hỏi vay vốn hộ nghèo lãi suất bao nhiêu', 'credit');
  await ask('a02', 'cho tôi hỏi vay vốn hộ nghèo lãi suất bao nhiêu', 'credit');
  await ask('b01', unknown, 'fallback');
  await app.stats.recordHandoff({ commune: COMMUNE_A, topic: 'credit', at: clock.now() });
  await app.stats.recordStaffResponse({ commune: COMMUNE_A, seconds: 100_000, at: clock.now() });
  for (let i = 0; i < 2; i++) await app.stats.recordScreening({ commune: COMMUNE_A, category: 'average_living', at: clock.now() });
  // Week 50: outside the period.
  clock.advance(7 * DAY_MS);
  await ask('a03', credit, 'credit');

  admin = await login(ADMIN.username, ADMIN.password);
  const created = await app.inject({
    method: 'POST',
    url: '/api/staff/accounts',
    headers: { cookie: admin },
    payload: { username: 'canbo-a', password: 'mat-khau-canbo-a', role: 'officer', communes: [COMMUNE_A] },
  });
  expect(created.statusCode).toBe(201);
  officerA = await login('canbo-a', 'mat-khau-canbo-a');
  // A turn does not wait for its count: read the dashboard once every count is written.
  await app.stats.settled();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const weeks = [
  { week: '2026-W48', monday: '2026-11-23' },
  { week: '2026-W49', monday: '2026-11-30' },
];
const bands = (counts: unknown[]) =>
  ['le_15m', 'le_1h', 'le_4h', 'le_1d', 'gt_1d'].map((band, i) => expect.objectContaining({ band, count: counts[i] }));
const reachZaloA = { channel: 'zalo', label: 'Zalo', states: { sent: 7, failed: 0, skipped: '< 5', waiting: '< 5' }, total: '≥ 9', read: null };
const screeningA = {
  categories: [
    expect.objectContaining({ category: 'poor', count: '< 5', label: 'hộ nghèo' }),
    expect.objectContaining({ category: 'near_poor', count: 5 }),
    expect.objectContaining({ category: 'average_living', count: '< 5' }),
    expect.objectContaining({ category: 'none', count: 6 }),
  ],
  total: '≥ 13',
};
const responseTimesA = { bands: bands([5, '< 5', '< 5', '< 5', '< 5']), responses: '≥ 9', meanMinutes: 242.9 };
/** The whole report of W48–W49: the parts that differ between the officer's and the city's view are given. */
const reportOf = (communes: unknown, topics: unknown[], outcomes: unknown[], webReach: unknown) => ({
  fromWeek: '2026-W48',
  toWeek: '2026-W49',
  communes,
  weeks,
  topics,
  outcomes,
  responseTimes: responseTimesA,
  reach: [{ channel: 'web', label: 'Trang web', read: null, ...(webReach as object) }, reachZaloA],
  screening: screeningA,
});

describe('programme dashboard', () => {
  it("an officer's communes: every figure, groups under 5 shown as '< 5', totals with such a part as '≥ n'", async () => {
    const response = await inject(`/api/staff/dashboard?${PERIOD}`, officerA);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(
      reportOf(
        [COMMUNE_A],
        [
          { topic: 'credit', label: 'Vay vốn', weeks: [6, '< 5'], total: '≥ 7' },
          { topic: 'fallback', label: 'Chưa trả lời được', weeks: [5, 0], total: 5 },
          { topic: 'health_insurance', label: 'Bảo hiểm y tế', weeks: [5, 0], total: 5 },
        ],
        [
          { week: '2026-W48', bot: 11, staff: 6, unanswered: 5, shares: { bot: 50, staff: 27.3, unanswered: 22.7 } },
          { week: '2026-W49', bot: '< 5', staff: '< 5', unanswered: 0, shares: null },
          { week: 'all', bot: '≥ 12', staff: '≥ 7', unanswered: 5, shares: null },
        ],
        { states: { sent: 6, failed: '< 5', skipped: 0, waiting: 0 }, total: '≥ 7' },
      ),
    );
  });

  it('the city for an admin: every commune and citizens of no known commune', async () => {
    const response = await inject(`/api/staff/dashboard?${PERIOD}`, admin);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(
      reportOf(
        'all',
        [
          { topic: 'credit', label: 'Vay vốn', weeks: [10, '< 5'], total: '≥ 11' },
          { topic: 'fallback', label: 'Chưa trả lời được', weeks: [5, '< 5'], total: '≥ 6' },
          { topic: 'health_insurance', label: 'Bảo hiểm y tế', weeks: [5, 0], total: 5 },
        ],
        [
          { week: '2026-W48', bot: 15, staff: 8, unanswered: 5, shares: { bot: 53.6, staff: 28.6, unanswered: 17.9 } },
          { week: '2026-W49', bot: '< 5', staff: '< 5', unanswered: '< 5', shares: null },
          { week: 'all', bot: '≥ 16', staff: '≥ 9', unanswered: '≥ 6', shares: null },
        ],
        { states: { sent: 10, failed: '< 5', skipped: 0, waiting: 0 }, total: '≥ 11' },
      ),
    );
  });

  it('one commune: admins any, officers only theirs (403 otherwise, for the CSV too); bad queries are 4xx', async () => {
    const b = await inject(`/api/staff/dashboard?${PERIOD}&commune=${COMMUNE_B}`, admin);
    expect(b.statusCode).toBe(200);
    expect(b.json().topics).toEqual([
      { topic: 'credit', label: 'Vay vốn', weeks: ['< 5', 0], total: '< 5' },
      { topic: 'fallback', label: 'Chưa trả lời được', weeks: [0, '< 5'], total: '< 5' },
    ]);
    expect(b.json().reach[0]).toMatchObject({ states: { sent: '< 5' }, total: '< 5' });
    for (const url of [`/api/staff/dashboard?commune=${COMMUNE_B}`, `/api/staff/dashboard.csv?commune=${COMMUNE_B}`]) {
      const refused = await inject(url, officerA);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ error: 'forbidden_dashboard_commune', message: 'Bạn chỉ xem được số liệu của xã/phường mình phụ trách.' });
    }
    const own = await inject(`/api/staff/dashboard?${PERIOD}&commune=${COMMUNE_A}`, officerA);
    expect(own.json()).toEqual((await inject(`/api/staff/dashboard?${PERIOD}`, officerA)).json());
    expect((await inject('/api/staff/dashboard?commune=99999', admin)).statusCode).toBe(404);
    expect((await inject('/api/staff/dashboard?from=2026-12-06&to=2026-11-23', admin)).json().error).toBe('invalid_period');
    expect((await inject('/api/staff/dashboard?from=2025-01-01&to=2026-12-06', admin)).statusCode).toBe(400);
    const badDate = await inject('/api/staff/dashboard?from=23/11/2026', admin);
    expect(badDate.statusCode).toBe(400);
    expect(badDate.body).toContain('YYYY-MM-DD');
    expect((await app.inject({ method: 'GET', url: '/api/staff/dashboard' })).statusCode).toBe(401);
  });

  it('without dates: the last 8 weeks up to today', async () => {
    const report = (await inject('/api/staff/dashboard', officerA)).json();
    expect(report.fromWeek).toBe('2026-W43');
    expect(report.toWeek).toBe('2026-W50');
    expect(report.topics).toEqual([{ topic: 'credit', label: 'Vay vốn', weeks: [0, 0, 0, 0, 0, 6, '< 5', '< 5'], total: '≥ 8' }, ...report.topics.slice(1)]);
  });

  it('the CSV holds the same figures, "< 5" included', async () => {
    const response = await inject(`/api/staff/dashboard.csv?${PERIOD}`, officerA);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="so-lieu-${COMMUNE_A}-2026-W48-2026-W49.csv"`);
    const lines = response.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,week,group,label,count');
    expect(lines).toEqual(
      expect.arrayContaining([
        'questions,2026-W48,credit,Vay vốn,6',
        'questions,2026-W49,credit,Vay vốn,< 5',
        'questions,all,credit,Vay vốn,≥ 7',
        'outcomes,2026-W48,bot,Trợ lý trả lời,11',
        'outcomes,all,staff,Chuyển cán bộ,≥ 7',
        'staff_response,all,le_15m,Trong 15 phút,5',
        'staff_response,all,mean_minutes,Thời gian trung bình (phút),242.9',
        'reach,all,zalo_skipped,Zalo: Bỏ qua,< 5',
        'reach,all,web_total,Trang web: tổng,≥ 7',
        'screening,all,near_poor,hộ cận nghèo,5',
        'screening,all,total,Tổng số lần tự đánh giá,≥ 13',
      ]),
    );
    // Every figure of the report, one a line: 3 topics × (2 weeks + total), 3 × 3 outcomes, 5 bands + responses +
    // mean, 2 channels × 5, 4 categories + total.
    expect(lines).toHaveLength(1 + 9 + 9 + 7 + 10 + 5);
  });

  it('is described in the OpenAPI document (/docs), with its query', async () => {
    const paths = (await app.inject({ method: 'GET', url: '/docs/json' })).json().paths;
    for (const path of ['/api/staff/dashboard', '/api/staff/dashboard.csv']) {
      expect(paths[path].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['commune', 'from', 'to']);
    }
  });

  it('the counters hold no citizen and survive a restart', async () => {
    await storage.flush();
    const reopened = await openTestStorage(dataDir);
    const records = await reopened.stats.between('2026-W48', '2026-W49', [COMMUNE_A]);
    expect(records.find((r) => r.id === `2026-W48|${COMMUNE_A}|question|credit|bot`)?.count).toBe(6);
    expect(records.find((r) => r.measure === 'staff_response' && r.key === 'le_15m')).toMatchObject({ count: 5, seconds: 1960 });
    const text = JSON.stringify(await reopened.stats.between('2000-W01', '2099-W01', 'all'));
    expect(text).not.toMatch(/web:|zalo:|a0\d|vay vốn/);
  });

  it('a self-assessment finished in the chat is counted by its category, under its citizen’s commune', async () => {
    // Week 50 (the clock was left there): the poor household of test/conversations/screening.yaml ("có" to the
    // health-card question is asked again, then taken as said).
    for (const text of ['tu danh gia ho ngheo', 'xa', 'nha 3 ng', 'thu nhap 3tr', 'co', 'ko', 'k co', 'co', 'co']) {
      await app.engine.turn({ channel: 'web', userId: 'a16', text });
    }
    const last = await app.engine.handle({ channel: 'web', userId: 'a16', text: 'co' });
    expect(last[0]!.text).toContain('có khả năng thuộc diện hộ nghèo');
    // The result is counted after the turn (group commit): read once written.
    await app.stats.settled();
    const counters = await storage.stats.between('2026-W50', '2026-W50', [COMMUNE_A]);
    expect(counters.filter((r) => r.measure === 'screening').map(({ key, count }) => ({ key, count }))).toEqual([{ key: 'poor', count: 1 }]);
    const report = (await inject('/api/staff/dashboard?from=2026-12-07&to=2026-12-13', officerA)).json();
    expect(report.screening.categories[0]).toEqual({ category: 'poor', label: 'hộ nghèo', count: '< 5' });
  });
});
