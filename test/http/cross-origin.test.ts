import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { testServiceEnv } from '../support/storage.js';

const PORTAL = 'https://portal.haiphong.gov.vn';

describe('cross-origin access (CORS) in the whole app', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cross-origin-'));
    const config = loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ALLOWED_ORIGINS: PORTAL });
    app = await buildApp(config, { clock: new ManualClock('2026-11-29T03:00:00Z') });
    await app.ready();
  });
  afterAll(() => app.close());

  const allowedOrigin = async (method: 'GET' | 'POST', url: string, origin = PORTAL, payload?: object) => {
    const res = await app.inject({ method, url, headers: { origin }, payload });
    expect(res.statusCode, `${method} ${url}`).toBeLessThan(400);
    return res.headers['access-control-allow-origin'];
  };

  it('lets the portal pages call the routes the widget uses', async () => {
    expect(await allowedOrigin('POST', '/api/chat', PORTAL, { text: 'xin chao' })).toBe(PORTAL);
    expect(await allowedOrigin('GET', '/api/announcements?commune=10525')).toBe(PORTAL);
    expect(await allowedOrigin('GET', '/api/communes')).toBe(PORTAL);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe(PORTAL);
  });

  it('refuses other origins on those routes', async () => {
    expect(await allowedOrigin('POST', '/api/chat', 'https://evil.example.com', { text: 'xin chao' })).toBeUndefined();
    expect(await allowedOrigin('GET', '/api/communes', 'https://evil.example.com')).toBeUndefined();
  });

  it('gives no other route to a browser on another origin, not even the portal', async () => {
    expect(await allowedOrigin('POST', '/api/nlu/parse', PORTAL, { text: 'xin chao' })).toBeUndefined();
    expect(await allowedOrigin('GET', '/health')).toBeUndefined();
    expect(await allowedOrigin('GET', '/privacy')).toBeUndefined();
    const staff = await app.inject({ method: 'GET', url: '/api/staff/me', headers: { origin: PORTAL } });
    expect(staff.headers['access-control-allow-origin']).toBeUndefined();
  });
});
