import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZaloClient } from '../../src/channels/zalo/client.js';
import type { SharedQuota } from '../../src/channels/zalo/rate-limiter.js';
import { ZaloTokenManager } from '../../src/channels/zalo/token-manager.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, zaloSettings } from '../../src/config.js';
import type { SharedRedis } from '../../src/shared-state/redis.js';
import { postgresZaloQuota, redisZaloQuota } from '../../src/shared-state/zalo-quota.js';
import type { TokenRecord } from '../../src/storage/records.js';
import { MockZalo } from '../support/mock-zalo/server.js';
import { createSchema, openPostgresIn, type TestSchema } from '../support/postgres.js';
import { openTestRedis } from '../support/redis.js';

/**
 * Two instances' Zalo clients drawing on one quota of the OA's calls per minute, in the real Redis or, without Redis,
 * the real PostgreSQL. Each instance has a connection of its own, as two processes would.
 */
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const PER_MINUTE = 3;
const USER = '3000000000000000001';

let schema: TestSchema;
let redis: SharedRedis & { cleanUp(): Promise<void> };
const connections: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  schema = await createSchema();
  redis = await openTestRedis('zalo-quota');
  // The migrations make the quota's table.
  await (await openPostgresIn(schema, 1)).close();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await redis.cleanUp();
  await schema.drop();
});

/** Per store: a quota for one more instance, and how the test starts the next minute without waiting for it. */
const stores = {
  Redis: {
    async instance(): Promise<SharedQuota> {
      // A connection of its own per instance, under the same prefix.
      const client = redis.client.duplicate();
      connections.push({ close: async () => client.disconnect() });
      return redisZaloQuota({ ...redis, client }, PER_MINUTE);
    },
    async nextMinute() {
      await redis.client.del(`${redis.prefix}zalo-quota:oa`);
    },
  },
  'PostgreSQL without Redis': {
    async instance(): Promise<SharedQuota> {
      const pool = new pg.Pool({ connectionString: schema.url, max: 2 });
      connections.push({ close: () => pool.end() });
      return postgresZaloQuota(pool, PER_MINUTE);
    },
    async nextMinute() {
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      await client.query('DELETE FROM zalo_quota');
      await client.end();
    },
  },
};

/**
 * The quota as the test sees it: counts the calls it lets through, and a call it refuses waits (parked) until the test
 * starts the next minute, instead of the real minute's end.
 */
function parked(quota: SharedQuota) {
  const state = { allowed: 0, refused: 0, waiting: 0 };
  let resume: () => void = () => undefined;
  let gate = Promise.resolve();
  const park = () => {
    gate = new Promise<void>((resolve) => {
      resume = resolve;
    });
  };
  park();
  const wrapped: SharedQuota = {
    take: async () => {
      const wait = await quota.take();
      if (wait <= 0) {
        state.allowed++;
        return 0;
      }
      state.refused++;
      state.waiting++;
      await gate;
      state.waiting--;
      // Asks again at once.
      return 1;
    },
    hold: (ms) => quota.hold(ms),
  };
  /** The next minute: the parked calls ask again, the next refused ones park until the one after. */
  const nextMinute = () => {
    const parkedNow = resume;
    park();
    parkedNow();
  };
  return { wrapped, state, nextMinute };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1_000; tries++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe.each(Object.entries(stores))('Zalo API calls of two instances (%s)', (_name, store) => {
  it(`go out at ${PER_MINUTE} a minute for both together, and all of them in the end`, async () => {
    const mock = await MockZalo.start({ clock: new ManualClock() });
    try {
      const settings = zaloSettings(loadConfig({ ...mock.env(), ZALO_MAX_REQUESTS_PER_MINUTE: String(PER_MINUTE) }))!;
      mock.setUser(USER, { lastInteractionAt: mock.clock.now().getTime() });
      let stored: TokenRecord | undefined;
      const repo = {
        get: async () => stored,
        save: async (record: TokenRecord) => {
          stored = record;
        },
      };
      const instances = await Promise.all(
        [0, 1].map(async () => {
          const quota = parked(await store.instance());
          const tokens = new ZaloTokenManager({ settings, repo, clock: mock.clock, log });
          await tokens.load();
          return { quota, client: new ZaloClient({ settings, tokens, log, quota: quota.wrapped }), unsent: 4, refusedBefore: 0 };
        }),
      );
      const sends = instances.flatMap((instance, i) =>
        [1, 2, 3, 4].map((n) => instance.client.sendText(USER, `tin ${i}-${n}`).finally(() => instance.unsent--)),
      );

      const allowedPerMinute: number[] = [];
      const allowed = () => instances.reduce((sum, { quota }) => sum + quota.state.allowed, 0);
      for (;;) {
        // This minute is over when each instance has a call the quota refused since it began, or nothing left to send.
        await until(
          () => instances.every((i) => i.unsent === 0 || (i.quota.state.waiting > 0 && i.quota.state.refused > i.refusedBefore)),
          'both instances wait for the quota',
        );
        allowedPerMinute.push(allowed() - allowedPerMinute.reduce((sum, n) => sum + n, 0));
        if (instances.every((i) => i.unsent === 0)) break;
        await store.nextMinute();
        for (const instance of instances) {
          instance.refusedBefore = instance.quota.state.refused;
          instance.quota.nextMinute();
        }
      }
      expect((await Promise.all(sends)).every((result) => result.ok)).toBe(true);
      // 8 calls at 3 a minute over both instances: 3, 3, then 2 (each instance alone would have let its 4 through).
      expect(allowedPerMinute).toEqual([3, 3, 2]);
      expect(mock.messages).toHaveLength(8);
    } finally {
      await mock.close();
    }
  });

  it("a pause Zalo asks of one instance holds the other's calls, until the minute's end at the soonest", async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    await store.nextMinute();
    expect(await a.take()).toBe(0);
    await a.hold(1_000);
    // Not 1 s: ending the pause sooner than the minute would open a new minute's quota early.
    expect(await b.take()).toBeGreaterThan(30_000);
    await store.nextMinute();
  });
});
