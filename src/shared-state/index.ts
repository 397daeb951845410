import type { FastifyBaseLogger } from 'fastify';
import type { PushRelay } from '../channels/web/push-hub.js';
import type { SharedQuota } from '../channels/zalo/rate-limiter.js';
import type { RefreshLock } from '../channels/zalo/token-manager.js';
import type { SharedSessions } from '../engine/session-store.js';
import type { HandoffChangeRelay, HandoffMarks } from '../handoff/handoff-service.js';
import type { RequestBudget } from '../http/address-budget.js';
import type { FailureLog } from '../staff/login-throttle.js';
import type { SharedRedis } from './redis.js';
import { RedisBroadcast } from './redis-broadcast.js';
import { RedisAddressBudget } from './redis-budget.js';
import { RedisFailureLog } from './redis-failure-log.js';
import { RedisRefreshLock } from './redis-refresh-lock.js';
import { RedisSessions } from './redis-sessions.js';

/**
 * What the instances of the service must share, each behind a port its area defines. With Redis, all of it; without
 * Redis but with PostgreSQL, the broadcasts (widget pushes, the staff inbox's changes) through LISTEN/NOTIFY, the
 * Zalo token refresh lock as an advisory lock and the Zalo API quota in a table, the rest null (conversation sessions are then kept per conversation in
 * the database by the session store; rate limits and sign-in throttling count per instance); with neither,
 * every one is null and each area keeps its in-process default (one instance: lowdb's deployment).
 */
export interface SharedState {
  redis: SharedRedis | null;
  /** The web channel's per-address budget (frames and messages). */
  webBudget: ((perMinute: number) => RequestBudget) | null;
  loginFailures: FailureLog | null;
  widgetPush: PushRelay | null;
  handoffChanges: HandoffChangeRelay | null;
  zaloRefreshLock: RefreshLock | null;
  /** The Zalo OA's quota of API calls per minute, counted for every instance. */
  zaloQuota: ((perMinute: number) => SharedQuota) | null;
  sessions: SharedSessions | null;
  /** Each citizen's handoff mark, read with their session (Redis only: without it, turns read the handoffs). */
  handoffMarks: HandoffMarks | null;
  /** Releases the connections of its own (not Redis's, which the composition root closes). */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared state of the instances (Redis, or PostgreSQL's broadcasts) or nulls (one instance); set by the composition root. */
    sharedState: SharedState;
  }
}

/** Calls are paced one at a time per instance (SharedRateLimiter): one connection, and one spare. */
const QUOTA_POOL_SIZE = 2;

export async function sharedState(
  shared: { redis: SharedRedis | null; databaseUrl?: string | undefined },
  log: FastifyBaseLogger,
): Promise<SharedState> {
  const { redis, databaseUrl } = shared;
  if (redis) {
    // Loaded only with several instances, as the PostgreSQL driver is below.
    const { redisZaloQuota } = await import('./zalo-quota.js');
    const sessions = new RedisSessions(redis);
    return {
      redis,
      webBudget: (perMinute) => new RedisAddressBudget(redis, 'web', perMinute),
      loginFailures: new RedisFailureLog(redis),
      widgetPush: new RedisBroadcast(redis, log, 'widget-push'),
      handoffChanges: new RedisBroadcast(redis, log, 'handoff-changes'),
      zaloRefreshLock: new RedisRefreshLock(redis, log),
      zaloQuota: (perMinute) => redisZaloQuota(redis, perMinute),
      sessions,
      handoffMarks: sessions,
      close: async () => undefined,
    };
  }
  const none = { redis, webBudget: null, loginFailures: null, sessions: null, handoffMarks: null };
  if (!databaseUrl) {
    return { ...none, widgetPush: null, handoffChanges: null, zaloRefreshLock: null, zaloQuota: null, close: async () => undefined };
  }
  // Loaded only here, so that the embedded deployment's start-up does not load the PostgreSQL driver.
  const [{ PostgresBroadcasts }, { PostgresRefreshLock }, { default: pg }, { postgresZaloQuota }] = await Promise.all([
    import('./postgres-broadcast.js'),
    import('./postgres-refresh-lock.js'),
    import('pg'),
    import('./zalo-quota.js'),
  ]);
  const notifications = new PostgresBroadcasts(databaseUrl, log);
  // The quota's own small pool: connects only when Zalo is on and a call is paced.
  const quotaPool = new pg.Pool({ connectionString: databaseUrl, max: QUOTA_POOL_SIZE });
  quotaPool.on('error', (error) => log.warn({ err: { name: error.name, message: error.message } }, 'Zalo quota connection error'));
  return {
    ...none,
    widgetPush: notifications.channel('widget-push'),
    handoffChanges: notifications.channel('handoff-changes'),
    zaloRefreshLock: new PostgresRefreshLock(databaseUrl, log),
    zaloQuota: (perMinute) => postgresZaloQuota(quotaPool, perMinute),
    close: async () => {
      await Promise.all([notifications.close(), quotaPool.end()]);
    },
  };
}
