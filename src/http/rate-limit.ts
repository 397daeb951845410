import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';

/** Distinct addresses remembered at once; beyond this the least recently seen is forgotten first. */
const TRACKED_ADDRESSES = 50_000;

/**
 * Per-address request limit on every route registered after this (routes opt out with `config: { rateLimit:
 * false }`, e.g. /health). The address is the socket's, or the reverse proxy's X-Forwarded-For only when
 * TRUST_PROXY is set (Fastify's trustProxy). Over the limit: 429 with `{error, message}` from the error handler.
 * RATE_LIMIT_PER_MINUTE=0 turns it off (benchmarks). With `shared` (REDIS_URL) the counts are kept in Redis, so an
 * address has one budget across every instance; if Redis fails, requests go through uncounted rather than fail.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  config: Pick<Config, 'RATE_LIMIT_PER_MINUTE'>,
  shared: { client: Redis; prefix: string } | null = null,
): Promise<void> {
  if (config.RATE_LIMIT_PER_MINUTE === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    ...(shared ? { redis: shared.client, nameSpace: `${shared.prefix}rate-limit:`, skipOnError: true } : { cache: TRACKED_ADDRESSES }),
  });
}
