import { afterEach, describe, expect, it } from 'vitest';
import { CONSENT_YES_PAYLOAD } from '../../src/privacy/consent.js';
import { ADMIN, type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';
import { COMMUNE_A, COMMUNE_B } from '../announcements/support/bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

const announcement = (communes: string[] | 'all') => ({
  title: 'Lịch rà soát hộ nghèo',
  body: 'Tổ rà soát đến từng hộ từ ngày 1/12.',
  communes,
  channels: ['zalo', 'web'],
});

describe('staff login', () => {
  it('refuses everything staff-only without a session (401, with a message)', async () => {
    bed = await startConsoleApp();
    for (const [method, url] of [
      ['GET', '/api/staff/me'],
      ['GET', '/api/staff/accounts'],
      ['GET', '/api/staff/audit'],
      ['GET', '/api/staff/unanswered'],
      ['GET', '/api/staff/announcements'],
      ['POST', '/api/announcements'],
      ['GET', '/api/announcements/7d0c6a9e-2f7f-4a5e-9a51-5b9a1c1e2f00'],
      ['POST', '/api/announcements/7d0c6a9e-2f7f-4a5e-9a51-5b9a1c1e2f00/withdraw'],
    ] as const) {
      const response = await bed.inject({ method, url, ...(method === 'POST' ? { payload: announcement([COMMUNE_A]) } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json()).toEqual({ error: 'unauthenticated', message: 'Bạn cần đăng nhập (hoặc phiên đăng nhập đã hết hạn).' });
    }
  });

  it('refuses an anonymous announcement before reading its body (authentication runs on request)', async () => {
    bed = await startConsoleApp();
    // A body that would be a 400 (invalid JSON) or a 413 (too large) if anything parsed it first.
    for (const payload of ['{"title": ', 'x'.repeat(100 * 1024)]) {
      const response = await bed.inject({ method: 'POST', url: '/api/announcements', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthenticated' });
    }
  });

  it('sets an HttpOnly, SameSite=Strict cookie and answers who logged in; the session ends at logout and on expiry', async () => {
    bed = await startConsoleApp();
    const response = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ username: ADMIN.username, displayName: 'Quản trị viên', role: 'admin', communes: [] });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^staff_session=[\w-]{43}; /);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=43200/);
    const cookie = setCookie.split(';')[0]!;
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie })).json()).toMatchObject({
      username: ADMIN.username,
      zalo: { enabled: false, alert: null },
    });

    expect((await bed.inject({ method: 'POST', url: '/api/staff/logout', cookie })).statusCode).toBe(204);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie })).statusCode).toBe(401);

    const again = await bed.login(ADMIN);
    bed.clock.advance(12 * 3_600_000 - 1000);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie: again })).statusCode).toBe(200);
    bed.clock.advance(2000);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie: again })).statusCode).toBe(401);
  });

  it('answers a wrong password with 401, then 429 with a growing wait from that address, even with the right password', async () => {
    bed = await startConsoleApp();
    for (let i = 0; i < 5; i++) {
      const wrong = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { ...ADMIN, password: `sai-mat-khau-${i}` } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ error: 'invalid_credentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
      expect(wrong.headers['set-cookie']).toBeUndefined();
    }
    const sixth = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { ...ADMIN, password: 'sai-mat-khau-5' } });
    expect(sixth.statusCode).toBe(401);
    const blocked = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toEqual({ error: 'too_many_attempts', message: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 1 phút.' });
    expect(blocked.headers['retry-after']).toBe('30');

    bed.clock.advance(30_000);
    expect((await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { ...ADMIN, password: 'sai-mat-khau-6' } })).statusCode).toBe(401);
    expect((await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN })).headers['retry-after']).toBe('60');
    bed.clock.advance(60_000);
    expect((await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN })).statusCode).toBe(200);
  });

  it('signs the right password in from a clean address after 50 failures on the account from another', async () => {
    bed = await startConsoleApp();
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      const response = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { ...ADMIN, password: `doan-${i}` }, remoteAddress: '203.0.113.7' });
      if (response.statusCode === 429) {
        refused++;
        bed.clock.advance(Number(response.headers['retry-after']) * 1000);
      }
    }
    expect(refused).toBeGreaterThan(0);
    const owner = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN, remoteAddress: '198.51.100.4' });
    expect(owner.statusCode).toBe(200);
  });

  it('writes failed logins and the start of each wait to the audit log the admin reads', async () => {
    bed = await startConsoleApp();
    for (let i = 0; i < 6; i++) {
      await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { ...ADMIN, password: `sai-${i}` }, remoteAddress: '203.0.113.7' });
    }
    await bed.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN, remoteAddress: '203.0.113.7' });
    const admin = await bed.login(ADMIN);
    const audit = (await bed.inject({ method: 'GET', url: '/api/staff/audit', cookie: admin })).json() as { action: string; actor: string; target: string; details?: Record<string, unknown> }[];
    const failed = audit.filter((e) => e.action === 'staff.login_failed');
    expect(failed).toHaveLength(6);
    expect(failed[0]).toMatchObject({ actor: 'anonymous', target: ADMIN.username, details: { address: '203.0.113.7' } });
    // Only the failure that starts a wait is logged as such; the refused try during the wait writes nothing.
    expect(audit.filter((e) => e.action === 'staff.login_throttled')).toEqual([
      expect.objectContaining({ target: ADMIN.username, details: { address: '203.0.113.7', retryAfterSeconds: 30 } }),
    ]);
  });

  it('validates the login body with a Vietnamese message', async () => {
    bed = await startConsoleApp();
    const response = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { username: 'quantri' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_request', message: 'Thiếu trường "password".' });
  });
});

describe('roles and commune scope', () => {
  it('gives an officer of commune A 403 for anything of commune B, and for the whole city', async () => {
    bed = await startConsoleApp();
    const officerA = await bed.officer('canboxa-a', [COMMUNE_A]);
    const officerB = await bed.officer('canboxa-b', [COMMUNE_B]);

    const forB = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officerA, payload: announcement([COMMUNE_B]) });
    expect(forB.statusCode).toBe(403);
    expect(forB.json()).toEqual({ error: 'forbidden_commune', message: 'Bạn chỉ được thao tác với thông báo của xã/phường mình phụ trách.' });
    const forBoth = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officerA, payload: announcement([COMMUNE_A, COMMUNE_B]) });
    expect(forBoth.statusCode).toBe(403);
    const forAll = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officerA, payload: announcement('all') });
    expect(forAll.statusCode).toBe(403);
    expect(forAll.json().message).toBe('Chỉ quản trị viên thành phố được gửi thông báo tới tất cả các xã/phường.');

    const ofB = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officerB, payload: announcement([COMMUNE_B]) });
    expect(ofB.statusCode).toBe(201);
    const { id } = ofB.json();
    expect((await bed.inject({ method: 'GET', url: `/api/announcements/${id}`, cookie: officerA })).statusCode).toBe(403);
    expect((await bed.inject({ method: 'POST', url: `/api/announcements/${id}/withdraw`, cookie: officerA })).statusCode).toBe(403);
    expect((await bed.inject({ method: 'GET', url: `/api/announcements/${id}`, cookie: officerB })).statusCode).toBe(200);
    const listA = await bed.inject({ method: 'GET', url: '/api/staff/announcements', cookie: officerA });
    expect(listA.json()).toEqual([]);

    for (const [method, url] of [
      ['GET', '/api/staff/accounts'],
      ['GET', '/api/staff/audit'],
      ['GET', '/api/staff/unanswered'],
      ['DELETE', '/api/staff/accounts/canboxa-b'],
    ] as const) {
      const response = await bed.inject({ method, url, cookie: officerA });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().message).toBe('Chỉ quản trị viên thành phố được dùng chức năng này.');
    }
  });

  /** An admin's announcement sent from a page at `origin` to a server reached as `host`. */
  const announceFrom = async (origin: string, host: string) =>
    bed.inject({ method: 'POST', url: '/api/announcements', cookie: await bed.login(ADMIN), headers: { origin, host }, payload: announcement([COMMUNE_A]) });

  it('refuses a change sent from another site', async () => {
    bed = await startConsoleApp();
    const response = await announceFrom('https://evil.example', 'localhost:3000');
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('cross_site');
  });

  it('takes PUBLIC_BASE_URL’s origin as this site, behind a reverse proxy that passes its own Host on', async () => {
    bed = await startConsoleApp({ env: { PUBLIC_BASE_URL: 'https://portal.example/giamngheo' } });
    expect((await announceFrom('https://portal.example', '127.0.0.1:3000')).statusCode).toBe(201);
  });
});

describe('accounts and audit', () => {
  it('lets admins manage officers; every change is in the audit log, newest first', async () => {
    bed = await startConsoleApp();
    const admin = await bed.login(ADMIN);
    const officer = await bed.officer('canbo1', [COMMUNE_A]);

    const list = await bed.inject({ method: 'GET', url: '/api/staff/accounts', cookie: admin });
    expect(list.json()).toEqual([
      expect.objectContaining({ username: 'canbo1', role: 'officer', communes: [COMMUNE_A], disabled: false }),
      expect.objectContaining({ username: ADMIN.username, role: 'admin', communes: [] }),
    ]);
    expect(list.body).not.toMatch(/scrypt|passwordHash/);

    const moved = await bed.inject({ method: 'PATCH', url: '/api/staff/accounts/canbo1', cookie: admin, payload: { communes: [COMMUNE_A, COMMUNE_B] } });
    expect(moved.json()).toMatchObject({ communes: [COMMUNE_A, COMMUNE_B] });
    // The new scope applies to the session already open.
    const toB = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officer, payload: announcement([COMMUNE_B]) });
    expect(toB.statusCode).toBe(201);

    const locked = await bed.inject({ method: 'PATCH', url: '/api/staff/accounts/canbo1', cookie: admin, payload: { disabled: true } });
    expect(locked.statusCode).toBe(200);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie: officer })).statusCode).toBe(401);
    const refused = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { username: 'canbo1', password: 'mat-khau-canbo1' } });
    expect(refused.statusCode).toBe(403);

    const unknownCommune = await bed.inject({
      method: 'POST',
      url: '/api/staff/accounts',
      cookie: admin,
      payload: { username: 'canbo2', password: 'mat-khau-dai-du', role: 'officer', communes: ['99999'] },
    });
    expect(unknownCommune.statusCode).toBe(400);
    expect(unknownCommune.json()).toEqual({ error: 'invalid_commune', message: 'Không có xã/phường với mã: 99999.' });
    const taken = await bed.inject({
      method: 'POST',
      url: '/api/staff/accounts',
      cookie: admin,
      payload: { username: 'canbo1', password: 'mat-khau-dai-du', role: 'officer', communes: [COMMUNE_A] },
    });
    expect(taken.statusCode).toBe(409);
    const self = await bed.inject({ method: 'DELETE', url: `/api/staff/accounts/${ADMIN.username}`, cookie: admin });
    expect(self.statusCode).toBe(400);
    expect((await bed.inject({ method: 'DELETE', url: '/api/staff/accounts/canbo1', cookie: admin })).statusCode).toBe(204);

    const audit = await bed.inject({ method: 'GET', url: '/api/staff/audit?limit=50', cookie: admin });
    const entries = audit.json() as { actor: string; action: string; target: string; details?: Record<string, unknown> }[];
    const actions = entries.map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'system staff.create quantri',
        `${ADMIN.username} staff.create canbo1`,
        `${ADMIN.username} staff.update canbo1`,
        `${ADMIN.username} staff.delete canbo1`,
        'canbo1 staff.login canbo1',
        expect.stringMatching(/^canbo1 announcement\.create [\w-]{36}$/),
      ]),
    );
    expect(audit.body).not.toContain('mat-khau');
  });

  it('keeps at least one active admin', async () => {
    bed = await startConsoleApp();
    const admin = await bed.login(ADMIN);
    const second = await bed.inject({
      method: 'POST',
      url: '/api/staff/accounts',
      cookie: admin,
      payload: { username: 'quantri2', password: 'mat-khau-quan-tri-02', role: 'admin' },
    });
    expect(second.statusCode).toBe(201);
    const other = await bed.login({ username: 'quantri2', password: 'mat-khau-quan-tri-02' });
    expect((await bed.inject({ method: 'PATCH', url: `/api/staff/accounts/${ADMIN.username}`, cookie: other, payload: { disabled: true } })).statusCode).toBe(200);
    const last = await bed.inject({ method: 'PATCH', url: '/api/staff/accounts/quantri2', cookie: other, payload: { role: 'officer', communes: [COMMUNE_A] } });
    expect(last.statusCode).toBe(400);
  });
});

describe('passwords', () => {
  it('refuses common and trivial passwords with a Vietnamese message that says what to do', async () => {
    bed = await startConsoleApp();
    const admin = await bed.login(ADMIN);
    for (const password of ['aaaaaaaaaa', '1234567890', 'password123', 'qwertyuiop']) {
      const response = await bed.inject({
        method: 'POST',
        url: '/api/staff/accounts',
        cookie: admin,
        payload: { username: 'canbo3', password, role: 'officer', communes: [COMMUNE_A] },
      });
      expect(response.statusCode, password).toBe(400);
      expect(response.json().message).toMatch(/Mật khẩu quá dễ đoán .*Hãy dùng một cụm 3–4 từ/);
    }
    const own = await bed.inject({ method: 'POST', url: '/api/staff/password', cookie: admin, payload: { current: ADMIN.password, next: 'aaaaaaaaaa' } });
    expect(own.statusCode).toBe(400);
    expect(own.json().error).toBe('invalid_request');
  });

  it('ends the account’s other sessions when its owner changes the password, and keeps the one that changed it', async () => {
    bed = await startConsoleApp();
    const here = await bed.login(ADMIN);
    const elsewhere = await bed.login(ADMIN);
    const changed = await bed.inject({
      method: 'POST',
      url: '/api/staff/password',
      cookie: here,
      payload: { current: ADMIN.password, next: 'ca phe sang mua xuan 47' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie: here })).statusCode).toBe(200);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/me', cookie: elsewhere })).statusCode).toBe(401);
    const audit = (await bed.inject({ method: 'GET', url: '/api/staff/audit', cookie: here })).json() as { action: string; details?: unknown }[];
    expect(audit.find((e) => e.action === 'staff.password')?.details).toEqual({ endedSessions: 1 });
  });

  it('creates no first admin from an ADMIN_PASSWORD the policy refuses', async () => {
    bed = await startConsoleApp({ env: { ADMIN_PASSWORD: 'matkhau123' } });
    expect((await bed.inject({ method: 'POST', url: '/api/staff/login', payload: { username: ADMIN.username, password: 'matkhau123' } })).statusCode).toBe(401);
  });
});

describe('unanswered questions', () => {
  it('lists what went to fallback, most frequent first, with the words only of citizens who consented', async () => {
    bed = await startConsoleApp();
    // Each visitor keeps the session id the server issued on its first message.
    const issued = new Map<string, string>();
    const chat = async (visitor: string, body: { text?: string; payload?: string }) => {
      const response = await bed.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: issued.get(visitor), ...body } });
      issued.set(visitor, response.json().sessionId);
    };
    await chat('khach-dong-y-01', { payload: CONSENT_YES_PAYLOAD });
    await chat('khach-dong-y-01', { text: 'con mèo màu gì' });
    bed.clock.advance(60_000);
    await chat('khach-dong-y-01', { text: 'con meo mau gi' });
    await chat('khach-dong-y-01', { text: 'giá vàng hôm nay' });
    await chat('khach-khong-01', { text: 'con mèo màu gì' });
    await chat('khach-khong-01', { text: 'xin chào' });

    const admin = await bed.login(ADMIN);
    const response = await bed.inject({ method: 'GET', url: '/api/staff/unanswered', cookie: admin });
    expect(response.json()).toEqual({
      total: 4,
      withheld: 1,
      questions: [
        { text: 'con meo mau gi', count: 2, lastAt: '2026-11-28T03:01:00.000Z' },
        { text: 'giá vàng hôm nay', count: 1, lastAt: '2026-11-28T03:01:00.000Z' },
      ],
    });
  });
});
