import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../../src/app.js';
import type { Clock } from '../../../../src/clock.js';
import { loadConfig } from '../../../../src/config.js';
import type { Storage } from '../../../../src/storage/repositories.js';
import { openTestStorage, testServiceEnv } from '../../../support/storage.js';

export interface ZaloService {
  app: FastifyInstance;
  url: string;
  /** The service's own storage (the same instance buildApp uses). */
  storage: Storage;
  /** Resolves once every acknowledged Zalo event has been handled (the journal has nothing unfinished). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The whole service (buildApp) on an ephemeral port, with ZALO_* variables pointing at a mock Zalo. */
export async function startZaloService(options: { dataDir: string; env: Record<string, string>; clock?: Clock }): Promise<ZaloService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    ...(await testServiceEnv(options.dataDir)),
    ...options.env,
    DATA_DIR: options.dataDir,
  });
  const storage = await openTestStorage(options.dataDir);
  const app = await buildApp(config, { storage, clock: options.clock });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    storage,
    settle: async () => {
      const deadline = Date.now() + 10_000;
      while ((await storage.journal.unfinished()).length > 0) {
        if (Date.now() > deadline) throw new Error('Zalo events still unfinished after 10 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    // The storage is the test's (handed in): closed here too, or each service would leave its connections open.
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}
