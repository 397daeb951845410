import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { connectRedis, type SharedRedis } from '../../src/shared-state/redis.js';

/** The Redis the tests use (the machine's; REDIS_URL in CI runs that set it). */
export const TEST_REDIS_URL = process.env.REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A key prefix no other test (or helper session sharing the server) uses. */
export const testRedisPrefix = (name: string) => `test:${name}:${randomBytes(6).toString('hex')}:`;

/** A connection under a prefix of its own; `cleanUp` deletes every key under the prefix and disconnects. */
export async function openTestRedis(name: string): Promise<SharedRedis & { cleanUp(): Promise<void> }> {
  const redis = await connectRedis(TEST_REDIS_URL, testRedisPrefix(name), pino({ level: 'silent' }) as unknown as FastifyBaseLogger);
  return { ...redis, cleanUp: () => dropPrefix(redis) };
}

/** Deletes every key under the connection's prefix, then closes it. */
export async function dropPrefix(redis: SharedRedis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.close();
}
