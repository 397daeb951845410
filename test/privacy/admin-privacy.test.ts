import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { citizenHash } from '../../src/privacy/personal-data.js';
import { openTestStorage, testServiceEnv } from '../support/storage.js';
import { filesContaining } from './harness.js';

/** A citizen's request handled by an admin (phone call, visit to the commune office), through the real staff console. */
const ADMIN = { username: 'quan-tri', password: 'mat-khau-quan-tri-1' };
const OFFICER = { username: 'can-bo-xa', password: 'mat-khau-can-bo-12' };
const dataDir = await mkdtemp(join(tmpdir(), 'admin-privacy-'));
const storage = await openTestStorage(dataDir);
const clock = new ManualClock('2026-11-28T03:00:00Z');
const app = await buildApp(
  loadConfig({
    DATA_DIR: dataDir,
    ...(await testServiceEnv(dataDir)),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password }),
  { clock, storage },
);
await app.ready();
afterAll(() => app.close());

const URL_OF = (citizenId: string) => `/api/staff/citizens/${encodeURIComponent(citizenId)}/personal-data`;
const wired = app.hasRoute({ method: 'DELETE', url: '/api/staff/citizens/:citizenId/personal-data' });

async function login(who: { username: string; password: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/staff/login', payload: who });
  expect(response.statusCode).toBe(200);
  return String(response.headers['set-cookie']).split(';')[0]!;
}

describe('admin rights requests', () => {
  it.skipIf(!wired)('an admin sees, then deletes, everything about a citizen; officers and strangers cannot', async () => {
    const sessionId = (await app.inject({ method: 'POST', url: '/api/chat', payload: { text: 'xin chào' } })).json().sessionId as string;
    const citizenId = `web:${sessionId}`;
    expect(await filesContaining(dataDir, storage, sessionId)).not.toEqual([]);

    const admin = await login(ADMIN);
    const created = await app.inject({
      method: 'POST',
      url: '/api/staff/accounts',
      headers: { cookie: admin },
      payload: { ...OFFICER, role: 'officer', communes: ['10507'] },
    });
    expect(created.statusCode).toBe(201);
    const officer = await login(OFFICER);

    expect((await app.inject({ method: 'DELETE', url: URL_OF(citizenId) })).statusCode).toBe(401);
    const refused = await app.inject({ method: 'DELETE', url: URL_OF(citizenId), headers: { cookie: officer } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/quản trị/);

    const seen = await app.inject({ method: 'GET', url: URL_OF(citizenId), headers: { cookie: admin } });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ citizenId, citizen: { userId: sessionId, channel: 'web' } });

    const deleted = await app.inject({ method: 'DELETE', url: URL_OF(citizenId), headers: { cookie: admin } });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().deleted).toMatchObject({ citizenRecord: true, session: true });
    expect(await filesContaining(dataDir, storage, sessionId)).toEqual([]);

    const audit = await storage.audit.list({ limit: 10 });
    const target = `citizen:${citizenHash(citizenId)}`;
    expect(audit.filter((a) => a.target === target).map((a) => `${a.actor} ${a.action}`).sort()).toEqual([
      `${ADMIN.username} personal_data.delete`,
      `${ADMIN.username} personal_data.view`,
    ]);
    expect(JSON.stringify(audit)).not.toContain(sessionId);

    const gone = await app.inject({ method: 'GET', url: URL_OF(citizenId), headers: { cookie: admin } });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ error: 'citizen_not_found', message: `Không có dữ liệu nào về người dùng ${citizenId}.` });
  });

  it.skipIf(!wired)('refuses an id that is not a citizen id, with a message', async () => {
    const admin = await login(ADMIN);
    const response = await app.inject({ method: 'DELETE', url: URL_OF('../../etc'), headers: { cookie: admin } });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/zalo:<mã Zalo>/);
  });
});
