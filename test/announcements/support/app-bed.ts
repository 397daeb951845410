import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../../src/app.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { testServiceEnv } from '../../support/storage.js';

export const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-01' };

export interface ConsoleApp {
  app: FastifyInstance;
  clock: ManualClock;
  dataDir: string;
  /** The mock Zalo the service talks to (when started with `zalo: true`). */
  mock: MockZalo | null;
  /** Base URL when listening (Zalo tests: the mock posts webhooks to it). */
  url: string | null;
  inject(options: InjectOptions & { cookie?: string }): Promise<LightMyRequestResponse>;
  /** Logs in and returns the `Cookie` header value. */
  login(who: { username: string; password: string }): Promise<string>;
  /** Creates an officer of the given communes (as the admin) and logs them in. */
  officer(username: string, communes: string[]): Promise<string>;
  /** Stops the app gracefully and builds a new one on the same data directory and mock. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole service (buildApp) on a temp data directory with a ManualClock (10:00 in Hải Phòng), the first admin from
 * ADMIN_USERNAME / ADMIN_PASSWORD, and optionally the mock Zalo wired both ways (webhooks in, messages out).
 */
export async function startConsoleApp(options: { zalo?: boolean; env?: Record<string, string> } = {}): Promise<ConsoleApp> {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const dataDir = await mkdtemp(join(tmpdir(), 'console-test-'));
  const mock = options.zalo ? await MockZalo.start({ clock, rateLimitPerMinute: 1_000_000 }) : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(await testServiceEnv(dataDir)),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ZALO_MAX_REQUESTS_PER_MINUTE: '100000',
    ...mock?.env(),
    ...options.env,
  });

  const start = async () => {
    const app = await buildApp(config, { clock });
    let url: string | null = null;
    if (mock) {
      url = await app.listen({ port: 0, host: '127.0.0.1' });
      mock.webhookUrl = `${url}/webhooks/zalo`;
    } else {
      await app.ready();
    }
    return { app, url };
  };

  let current = await start();
  const bed: ConsoleApp = {
    get app() {
      return current.app;
    },
    get url() {
      return current.url;
    },
    clock,
    dataDir,
    mock,
    inject: ({ cookie, headers, ...rest }) => current.app.inject({ ...rest, headers: { ...headers, ...(cookie ? { cookie } : {}) } }),
    async login(who) {
      const response = await bed.inject({ method: 'POST', url: '/api/staff/login', payload: who });
      if (response.statusCode !== 200) throw new Error(`login ${who.username}: ${response.statusCode} ${response.body}`);
      return String(response.headers['set-cookie']).split(';')[0]!;
    },
    async officer(username, communes) {
      const admin = await bed.login(ADMIN);
      const password = `mat-khau-${username}`;
      const created = await bed.inject({
        method: 'POST',
        url: '/api/staff/accounts',
        cookie: admin,
        payload: { username, password, role: 'officer', communes },
      });
      if (created.statusCode !== 201) throw new Error(`create ${username}: ${created.body}`);
      return bed.login({ username, password });
    },
    async restart() {
      await current.app.close();
      current = await start();
    },
    async close() {
      await current.app.close();
      await mock?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return bed;
}
