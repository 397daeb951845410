import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { answersOf, pushedId } from '../../public/src/messages.js';
import { buildApp } from '../../src/app.js';
import type { ServerFrame } from '../../src/channels/web/wire.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { Client } from '../channels/web/harness.js';
import { createSchema, type TestSchema } from '../support/postgres.js';
import { dropPrefix, TEST_REDIS_URL, testRedisPrefix } from '../support/redis.js';

/**
 * Two instances of the whole service in one process on one PostgreSQL schema, as two instances behind a load
 * balancer share one database: with Redis (pub/sub relays the widget pushes and the inbox's changes) and without it
 * (PostgreSQL LISTEN/NOTIFY relays them; conversations are kept per citizen in the database).
 */
const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-01' };
const OFFICER = { username: 'canbo-thanhha', password: 'mat-khau-canbo-thanhha' };
const THANH_HA = '10813';
// Monday 7 December 2026, 09:00 in Hải Phòng: office hours.
const MONDAY_9AM = '2026-12-07T02:00:00Z';

interface Pair {
  a: FastifyInstance;
  b: FastifyInstance;
  urls: { a: string; b: string };
  clock: ManualClock;
  schema: TestSchema;
  close(): Promise<void>;
}

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

async function startPair(withRedis: boolean): Promise<Pair> {
  const schema = await createSchema();
  const clock = new ManualClock(MONDAY_9AM);
  const prefix = testRedisPrefix('two-apps-handoff');
  const start = async () => {
    const config = loadConfig({
      DATA_DIR: await mkdtemp(join(tmpdir(), 'two-apps-handoff-')),
      DATABASE_URL: schema.url,
      ...(withRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      WIDGET_SESSION_SECRET: 'a-secret-both-instances-share-0123456789',
    });
    const app = await buildApp(config, { clock });
    return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  };
  // One after the other: the first creates the admin, the second finds it.
  const a = await start();
  const b = await start();
  return {
    a: a.app,
    b: b.app,
    urls: { a: a.url, b: b.url },
    clock,
    schema,
    async close() {
      const redis = a.app.sharedState.redis;
      await b.app.close();
      // The last instance's connection clears the test's keys; closing the app would close it first.
      if (redis) await dropPrefix({ ...redis, close: async () => undefined });
      await a.app.close();
      await schema.drop();
    },
  };
}

async function login(app: FastifyInstance, who: { username: string; password: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/staff/login', payload: who });
  expect(response.statusCode, response.body).toBe(200);
  return String(response.headers['set-cookie']).split(';')[0]!;
}

/** The admin (on A) creates the officer of xã Thanh Hà, who signs in on B. */
async function officerOnB(p: Pair): Promise<string> {
  const admin = await login(p.a, ADMIN);
  const created = await p.a.inject({
    method: 'POST',
    url: '/api/staff/accounts',
    headers: { cookie: admin },
    payload: { ...OFFICER, role: 'officer', communes: [THANH_HA] },
  });
  expect(created.statusCode, created.body).toBe(201);
  return login(p.b, OFFICER);
}

/** A widget citizen talking to one instance over POST /api/chat. */
function citizenOn(app: FastifyInstance) {
  const citizen = {
    sessionId: undefined as string | undefined,
    async say(text: string): Promise<string> {
      const response = await app.inject({
        method: 'POST',
        url: '/api/chat',
        payload: { ...(citizen.sessionId ? { sessionId: citizen.sessionId } : {}), text },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as { sessionId: string; replies: { text: string }[] };
      citizen.sessionId = body.sessionId;
      return body.replies.map((r) => r.text).join('\n');
    },
    /** Asks for an officer of xã Thanh Hà, with consent. */
    async handOver(): Promise<void> {
      await citizen.say('Nhà tôi bị loại khỏi danh sách hộ nghèo mà không ai báo, giờ phải làm sao?');
      expect(await citizen.say('gặp cán bộ')).toMatch(/Bạn đồng ý chứ\?/);
      expect(await citizen.say('đồng ý')).toMatch(/xã\/phường nào/);
      expect(await citizen.say('Thanh Hà')).toMatch(/Đã chuyển cho cán bộ xã Thanh Hà/);
    },
  };
  return citizen;
}

/** The staff inbox's event stream as a browser holds it: the `change` events received so far. */
function inboxEvents(url: string, cookie: string): Promise<{ changes: { id: string; status: string }[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/staff/conversations/events`, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: HTTP ${res.statusCode}`));
      const changes: { id: string; status: string }[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: change\ndata: (.*)$/m.exec(event);
          if (data) changes.push(JSON.parse(data[1]!));
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
      resolve({ changes, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits for a condition met by another instance's work (pub/sub, a socket): no fixed sleep. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 1_000; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe.each([
  ['Redis', true],
  ['PostgreSQL without Redis', false],
])('two instances handing conversations to staff (%s)', (_name, withRedis) => {
  it("an officer's console on B hears of a handoff asked on A, claims and replies there, and the citizen's widget on A gets the reply live", async () => {
    pair = await startPair(withRedis);
    const p = pair;
    const officer = await officerOnB(p);
    const events = await inboxEvents(p.urls.b, officer);
    try {
      const citizen = citizenOn(p.a);
      await citizen.handOver();
      await until(() => events.changes.some((c) => c.status === 'waiting'), 'the inbox on B hears of the handoff');
      const { id } = events.changes.find((c) => c.status === 'waiting')!;

      // The citizen's widget socket is held by A.
      const widget = await Client.open(`${p.urls.a.replace('http', 'ws')}/ws/chat`);
      expect(await widget.hello({ sessionId: citizen.sessionId!, commune: THANH_HA })).toMatchObject({ type: 'welcome', sessionId: citizen.sessionId });

      const claimed = await p.b.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, headers: { cookie: officer } });
      expect(claimed.statusCode, claimed.body).toBe(200);
      expect(claimed.json()).toMatchObject({ status: 'open', reachable: true });
      await until(() => events.changes.some((c) => c.id === id && c.status === 'open'), 'the inbox on B hears of the claim');
      // The bot on A now stays silent: the conversation is the officer's.
      expect(await citizen.say('cán bộ ơi')).toBe('');

      const replied = await p.b.inject({
        method: 'POST',
        url: `/api/staff/conversations/${id}/messages`,
        headers: { cookie: officer },
        payload: { text: 'Chào bác, bác mang sổ hộ khẩu lên UBND xã sáng thứ Tư nhé.' },
      });
      expect(replied.statusCode, replied.body).toBe(200);
      const push = await widget.next();
      expect(push).toMatchObject({ type: 'push', replies: [{ text: 'Cán bộ xã Thanh Hà: Chào bác, bác mang sổ hộ khẩu lên UBND xã sáng thứ Tư nhé.' }] });
      expect(replied.json().messages.at(-1)).toMatchObject({ from: 'officer', delivery: 'delivered' });
      // The citizen's message on A and the officer's reply on B are both in the transcript: neither undid the other.
      expect(replied.json().messages.map((m: { text: string }) => m.text)).toEqual(
        expect.arrayContaining(['cán bộ ơi', 'Chào bác, bác mang sổ hộ khẩu lên UBND xã sáng thứ Tư nhé.']),
      );
      widget.socket.close();
    } finally {
      events.close();
    }
  });

  it("an officer's reply whose widget's instance confirms it too late is shown once, though it comes again with the next answer", async () => {
    pair = await startPair(withRedis);
    const p = pair;
    const officer = await officerOnB(p);
    const citizen = citizenOn(p.a);
    await citizen.handOver();
    const listed = await p.b.inject({ method: 'GET', url: '/api/staff/conversations', headers: { cookie: officer } });
    const { id } = (listed.json() as { conversations: { id: string }[] }).conversations[0]!;
    const claimed = await p.b.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, headers: { cookie: officer } });
    expect(claimed.statusCode, claimed.body).toBe(200);

    // The citizen's widget socket is held by A, whose answer "I hold it" is late: held back until B stops waiting.
    const widget = await Client.open(`${p.urls.a.replace('http', 'ws')}/ws/chat`);
    await widget.hello({ sessionId: citizen.sessionId!, commune: THANH_HA });
    const relay = p.a.sharedState.widgetPush!;
    const publish = relay.publish.bind(relay);
    let answerLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      answerLate = resolve;
    });
    relay.publish = async (message) => {
      if (message.startsWith('{"held"')) await late;
      return publish(message);
    };

    const replied = await p.b.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/messages`,
      headers: { cookie: officer },
      payload: { text: 'Bác mang sổ hộ khẩu lên UBND xã nhé.' },
    });
    expect(replied.statusCode, replied.body).toBe(200);
    // No instance said in time that a widget got it: kept for the citizen's next message.
    expect(replied.json().messages.at(-1)).toMatchObject({ from: 'officer', delivery: 'waiting' });
    answerLate();

    // Yet the widget did get it live, and gets it again with the answer to its next message.
    const frames: ServerFrame[] = [await widget.next()];
    widget.send({ type: 'message', id: 'm1', text: 'vâng ạ' });
    frames.push(await widget.next());
    widget.socket.close();
    expect(frames.map((f) => f.type)).toEqual(['push', 'reply']);

    // What the widget's log shows of these frames, by its own rule: the officer's reply once.
    const log: { id: string; text: string }[] = [];
    const shown = (key: string) => log.some((m) => m.id === key);
    for (const frame of frames) {
      if (frame.type === 'push' && !shown(pushedId(frame.id))) log.push(...answersOf(`push-${frame.id}`, frame.replies, shown));
      if (frame.type === 'reply') log.push(...answersOf(frame.id, frame.replies, shown));
    }
    const officerLines = log.filter((m) => m.text === 'Cán bộ xã Thanh Hà: Bác mang sổ hộ khẩu lên UBND xã nhé.');
    expect(officerLines).toHaveLength(1);
  });

  it('the sweeper of both instances hands an unclaimed conversation back to the bot once', async () => {
    pair = await startPair(withRedis);
    const p = pair;
    const citizen = citizenOn(p.b);
    await citizen.handOver();
    // Past the four office hours an officer had to claim it (09:00 → 15:00 with the lunch break).
    p.clock.advance(7 * 3_600_000);
    const swept = await Promise.all([p.a.handoffs.sweep(), p.b.handoffs.sweep(), p.a.handoffs.sweep()]);
    expect(swept.reduce((sum, n) => sum + n, 0)).toBe(1);

    const storage = await openPostgresStorage({ url: p.schema.url, poolSize: 1 });
    try {
      const [handoff] = await storage.handoffs.forCitizen(`web:${citizen.sessionId}`);
      expect(handoff).toMatchObject({ status: 'closed', outcome: 'unclaimed' });
      const notices = handoff!.messages.filter((m) => m.text.startsWith('Xin lỗi, chưa có cán bộ nào nhận'));
      expect(notices).toHaveLength(1);
      const audited = (await storage.audit.list({ limit: 50 })).filter((e) => e.target === handoff!.id && e.action === 'handoff.unclaimed');
      expect(audited).toHaveLength(1);
    } finally {
      await storage.close();
    }
    // No widget was open: the notice comes once with the citizen's next message, on either instance.
    expect(await citizenOn(p.a).say('xin chào')).not.toMatch(/chưa có cán bộ nào nhận/);
    const next = await citizen.say('menu');
    expect(next.match(/chưa có cán bộ nào nhận/g)).toHaveLength(1);
    expect(await citizen.say('menu')).not.toMatch(/chưa có cán bộ nào nhận/);
  });
});

describe('two instances on PostgreSQL without Redis', () => {
  it('keep the conversations of both instances’ citizens, each one record, whichever instance wrote last', async () => {
    pair = await startPair(false);
    const p = pair;
    const first = citizenOn(p.a);
    const second = citizenOn(p.b);
    expect(await first.say('tu danh gia ho ngheo')).toContain('Câu 1/15');
    expect(await second.say('tu danh gia ho ngheo')).toContain('Câu 1/15');
    // Each instance's periodic snapshot (here forced) must not replace the other's conversations.
    await p.a.engine.sessions.snapshot(true);
    await p.b.engine.sessions.snapshot(true);
    const storage = await openPostgresStorage({ url: p.schema.url, poolSize: 1 });
    try {
      expect(await storage.sessions.get(`web:${first.sessionId}`)).toMatchObject({ flow: { skill: 'screening' } });
      expect(await storage.sessions.get(`web:${second.sessionId}`)).toMatchObject({ flow: { skill: 'screening' } });
    } finally {
      await storage.close();
    }
    // And each conversation goes on on the other instance.
    expect(await citizenOnWith(p.b, first.sessionId!).say('xa')).toContain('Câu 2/15');
    expect(await citizenOnWith(p.a, second.sessionId!).say('thanh thi')).toContain('Câu 2/15');
  });
});

function citizenOnWith(app: FastifyInstance, sessionId: string) {
  const citizen = citizenOn(app);
  citizen.sessionId = sessionId;
  return citizen;
}

describe('two instances with Redis: what a session knows of the database', () => {
  const sessionKey = (p: Pair, sessionId: string) => `${p.a.sharedState.redis!.prefix}session:web:${sessionId}`;

  it('a handoff asked on B silences the bot on A at the next turn, even when a turn racing the request writes back a session that knew of none', async () => {
    pair = await startPair(true);
    const p = pair;
    const redis = p.a.sharedState.redis!.client;
    const onA = citizenOn(p.a);
    await onA.say('xin chào');
    await onA.say('hộ nghèo vay vốn được bao nhiêu');
    const key = sessionKey(p, onA.sessionId!);
    const knewNone = (await redis.get(key))!;
    expect(JSON.parse(knewNone.slice(knewNone.indexOf('{'))).known).toMatchObject({ noHandoffAtMark: '', citizen: { commune: null } });

    await citizenOnWith(p.b, onA.sessionId!).handOver();
    // A turn that read the session before the request writes it back after it (the last writer wins): it says "no
    // handoff", under the mark the request has since changed.
    await redis.set(key, knewNone, 'PX', 60_000);
    expect(await onA.say('cho tôi hỏi thêm')).toBe('');
    expect(await citizenOnWith(p.b, onA.sessionId!).say('alo')).toBe('');
    const storage = await openPostgresStorage({ url: p.schema.url, poolSize: 1 });
    try {
      const [handoff] = await storage.handoffs.forCitizen(`web:${onA.sessionId}`);
      expect(handoff!.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['cho tôi hỏi thêm', 'alo']));
    } finally {
      await storage.close();
    }
  });

  it('records the interaction again after a minute on either instance, and a new citizen after erasure sees the notice again', async () => {
    pair = await startPair(true);
    const p = pair;
    const onA = citizenOn(p.a);
    expect(await onA.say('xin chào')).toMatch(/Về dữ liệu của bạn/);
    const id = `web:${onA.sessionId}`;
    const storage = await openPostgresStorage({ url: p.schema.url, poolSize: 1 });
    try {
      const first = (await storage.citizens.get(id))!.lastInteractionAt;
      p.clock.advance(30_000);
      expect(await citizenOnWith(p.b, onA.sessionId!).say('menu')).not.toMatch(/Về dữ liệu của bạn/);
      expect((await storage.citizens.get(id))!.lastInteractionAt).toBe(first);
      p.clock.advance(40_000);
      await onA.say('menu');
      expect((await storage.citizens.get(id))!.lastInteractionAt).toBe(p.clock.now().toISOString());

      // Erased on B (the session goes with it): the next message on A is a new citizen's, told of the notice.
      await citizenOnWith(p.b, onA.sessionId!).say('xóa dữ liệu của tôi');
      const done = await p.b.inject({
        method: 'POST',
        url: '/api/chat',
        payload: { sessionId: onA.sessionId, payload: 'privacy:delete-confirm' },
      });
      expect(done.json().replies[0].text).toMatch(/^Đã xóa toàn bộ dữ liệu của bạn/);
      expect(await storage.citizens.get(id)).toBeUndefined();
      expect(await onA.say('menu')).toMatch(/Về dữ liệu của bạn/);
      expect(await storage.citizens.get(id)).toMatchObject({ lastInteractionAt: p.clock.now().toISOString() });
    } finally {
      await storage.close();
    }
  });
});
