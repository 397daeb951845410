import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { SIGNATURE_ALERT_TEXT } from '../../../src/channels/zalo/signature-watch.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { ADMIN } from '../../announcements/support/app-bed.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { signZaloEvent } from '../../support/mock-zalo/sign.js';
import { testServiceEnv } from '../../support/storage.js';

let app: FastifyInstance | undefined;
let mock: MockZalo | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await app?.close();
  await mock?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The whole service at LOG_LEVEL=info with Zalo on (the mock), its log lines captured. */
async function start() {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  mock = await MockZalo.start({ clock, rateLimitPerMinute: 1_000_000 });
  dataDir = await mkdtemp(join(tmpdir(), 'signature-watch-'));
  const lines: Record<string, unknown>[] = [];
  const config = loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'info', NODE_ENV: 'test', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, ...mock.env() });
  app = await buildApp(config, { clock, logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  await app.ready();
  lines.length = 0;
  const post = (payload: string, headers: Record<string, string> = {}, remoteAddress = '203.0.113.9') =>
    app!.inject({ method: 'POST', url: '/webhooks/zalo', payload, headers: { 'content-type': 'application/json', ...headers }, remoteAddress });
  return { clock, lines, post, mock: mock! };
}

describe('refused Zalo webhook posts', () => {
  it('leaves under 100 log lines for 10,000 unsigned posts, and limits them per address', async () => {
    const { lines, post } = await start();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const response = await post(JSON.stringify({ event_name: 'user_send_text', timestamp: String(i) }), {}, `198.51.100.${i % 50}`);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
    expect(lines.length).toBeLessThan(100);
    expect(lines[0]).toMatchObject({ level: 40, refused: 1 });
    // 30 refusals per address per minute answer 401, the rest 429.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 50 * 30, 429: 10_000 - 50 * 30 });
  });

  it('raises an alert line and the console warning when signatures keep failing, and ends it on a valid one', async () => {
    const { clock, lines, post, mock } = await start();
    const event = mock.textEvent('2000000000000000001', 'xin chào');
    const raw = JSON.stringify(event);
    for (let i = 0; i < 3; i++) await post(raw, { 'x-zevent-signature': signZaloEvent(mock.appId, raw, event.timestamp, 'khoa-sai') });
    expect(lines.filter((l) => l.alert === 'zalo_signature')).toEqual([
      expect.objectContaining({ level: 50, alert: 'zalo_signature', msg: expect.stringContaining('check ZALO_OA_SECRET_KEY') }),
    ]);
    const login = await app!.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const me = async () => (await app!.inject({ method: 'GET', url: '/api/staff/me', headers: { cookie } })).json().zalo.webhookAlert;
    expect(await me()).toBe(SIGNATURE_ALERT_TEXT);
    expect(SIGNATURE_ALERT_TEXT).toContain('kiểm tra ZALO_OA_SECRET_KEY');

    clock.advance(1000);
    const good = await post(raw, { 'x-zevent-signature': signZaloEvent(mock.appId, raw, event.timestamp, mock.oaSecretKey) });
    expect(good.statusCode).toBe(200);
    expect(await me()).toBeNull();
  });
});
