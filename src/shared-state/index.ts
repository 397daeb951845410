import type { FastifyBaseLogger } from 'fastify';
import type { PushRelay } from '../channels/web/push-hub.js';
import type { RefreshLock } from '../channels/zalo/token-manager.js';
import type { SharedSessions } from '../engine/session-store.js';
import type { HandoffChangeRelay } from '../handoff/handoff-service.js';
import type { RequestBudget } from '../http/address-budget.js';
import type { FailureLog } from '../staff/login-throttle.js';
import { PostgresBroadcasts } from './postgres-broadcast.js';
import { PostgresRefreshLock } from './postgres-refresh-lock.js';
import type { SharedRedis } from './redis.js';
import { RedisBroadcast } from './redis-broadcast.js';
import { RedisAddressBudget } from './redis-budget.js';
import { RedisFailureLog } from './redis-failure-log.js';
import { RedisRefreshLock } from './redis-refresh-lock.js';
import { RedisSessions } from './redis-sessions.js';

/**
 * What the instances of the service must share, each behind a port its area defines. With Redis, all of it; without
 * Redis but with PostgreSQL, the broadcasts (widget pushes, the staff inbox's changes) through LISTEN/NOTIFY and the
 * Zalo token refresh lock as an advisory lock, the rest null (conversation sessions are then kept per conversation in
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
  sessions: SharedSessions | null;
  /** Releases the connections of its own (not Redis's, which the composition root closes). */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared state of the instances (Redis, or PostgreSQL's broadcasts) or nulls (one instance); set by the composition root. */
    sharedState: SharedState;
  }
}

export function sharedState(
  shared: { redis: SharedRedis | null; databaseUrl?: string | undefined },
  log: FastifyBaseLogger,
): SharedState {
  const { redis, databaseUrl } = shared;
  if (redis) {
    return {
      redis,
      webBudget: (perMinute) => new RedisAddressBudget(redis, 'web', perMinute),
      loginFailures: new RedisFailureLog(redis),
      widgetPush: new RedisBroadcast(redis, log, 'widget-push'),
      handoffChanges: new RedisBroadcast(redis, log, 'handoff-changes'),
      zaloRefreshLock: new RedisRefreshLock(redis, log),
      sessions: new RedisSessions(redis),
      close: async () => undefined,
    };
  }
  const none = { redis, webBudget: null, loginFailures: null, sessions: null };
  if (!databaseUrl) return { ...none, widgetPush: null, handoffChanges: null, zaloRefreshLock: null, close: async () => undefined };
  const notifications = new PostgresBroadcasts(databaseUrl, log);
  return {
    ...none,
    widgetPush: notifications.channel('widget-push'),
    handoffChanges: notifications.channel('handoff-changes'),
    zaloRefreshLock: new PostgresRefreshLock(databaseUrl, log),
    close: () => notifications.close(),
  };
}
