import type { FastifyBaseLogger } from 'fastify';
import type { PushRelay } from '../channels/web/push-hub.js';
import type { RefreshLock } from '../channels/zalo/token-manager.js';
import type { SharedSessions } from '../engine/session-store.js';
import type { RequestBudget } from '../http/address-budget.js';
import type { FailureLog } from '../staff/login-throttle.js';
import type { SharedRedis } from './redis.js';
import { RedisAddressBudget } from './redis-budget.js';
import { RedisFailureLog } from './redis-failure-log.js';
import { RedisPushRelay } from './redis-push-relay.js';
import { RedisRefreshLock } from './redis-refresh-lock.js';
import { RedisSessions } from './redis-sessions.js';

/**
 * What the instances of the service must share, each behind a port its area defines. Without Redis every one is
 * null and the area keeps its in-process default (one instance: lowdb's deployment).
 */
export interface SharedState {
  redis: SharedRedis | null;
  /** The web channel's per-address budget (frames and messages). */
  webBudget: ((perMinute: number) => RequestBudget) | null;
  loginFailures: FailureLog | null;
  widgetPush: PushRelay | null;
  zaloRefreshLock: RefreshLock | null;
  sessions: SharedSessions | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared state of the instances (Redis) or nulls (one instance); set by the composition root. */
    sharedState: SharedState;
  }
}

export function sharedState(redis: SharedRedis | null, log: FastifyBaseLogger): SharedState {
  if (!redis) return { redis, webBudget: null, loginFailures: null, widgetPush: null, zaloRefreshLock: null, sessions: null };
  return {
    redis,
    webBudget: (perMinute) => new RedisAddressBudget(redis, 'web', perMinute),
    loginFailures: new RedisFailureLog(redis),
    widgetPush: new RedisPushRelay(redis, log),
    zaloRefreshLock: new RedisRefreshLock(redis, log),
    sessions: new RedisSessions(redis),
  };
}
