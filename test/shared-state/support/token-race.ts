import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { type RefreshLock, ZaloTokenManager } from '../../../src/channels/zalo/token-manager.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig, zaloSettings } from '../../../src/config.js';
import type { TokenRecord } from '../../../src/storage/records.js';
import type { TokenRepository } from '../../../src/storage/repositories.js';
import { MockZalo } from '../../support/mock-zalo/server.js';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

/** Two token managers (two instances) over one stored pair, as two instances over one database. */
export async function raceTokenRefresh(lock: () => RefreshLock) {
  const mock = await MockZalo.start({ clock: new ManualClock() });
  try {
    const settings = zaloSettings(loadConfig({ ...mock.env(), LOG_LEVEL: 'silent' }))!;
    let stored: TokenRecord | undefined;
    const repo: TokenRepository = {
      get: async () => stored,
      save: async (record) => {
        stored = record;
      },
    };
    const clock = mock.clock;
    const [a, b] = [
      new ZaloTokenManager({ settings, repo, clock, log, lock: lock() }),
      new ZaloTokenManager({ settings, repo, clock, log, lock: lock() }),
    ];
    await Promise.all([a.load(), b.load()]);
    const rejected = settings.accessToken!;
    const tokens = await Promise.allSettled([a.refresh(rejected), b.refresh(rejected)]);
    return { tokens, requests: mock.tokenRequests, current: mock.currentRefreshToken, stored };
  } finally {
    await mock.close();
  }
}
