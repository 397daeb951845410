import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { testServiceEnv } from '../support/storage.js';

export const ADMIN = { username: 'fuzz-admin', password: 'mat-khau-du-dai-123' };

export interface FuzzApp {
  app: FastifyInstance;
  zalo: MockZalo;
  dataDir: string;
  has(method: HTTPMethods, url: string): boolean;
  close(): Promise<void>;
}

/**
 * The whole service as production builds it (buildApp), with the Zalo channel pointed at the local mock Zalo and a
 * first admin, the rate limit off (the fuzzer is one address sending thousands of requests).
 */
export async function startFuzzApp(): Promise<FuzzApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fuzz-'));
  const zalo = await startMockZalo();
  const app = await buildApp(
    loadConfig({
      DATA_DIR: dataDir,
      ...(await testServiceEnv(dataDir)),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ...zalo.env(),
    }),
  );
  await app.ready();
  return {
    app,
    zalo,
    dataDir,
    has: (method, url) => app.hasRoute({ method, url }),
    close: async () => {
      await app.close();
      await zalo.close();
    },
  };
}
