import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import type { ZaloSettings } from '../../config.js';
import type { TokenRepository } from '../../storage/repositories.js';
import { ZaloClient } from './client.js';
import type { SharedQuota } from './rate-limiter.js';
import { type RefreshLock, ZaloTokenManager } from './token-manager.js';

/**
 * The outbound side of Zalo on its own: the API client and its tokens. The webhook replies through it and
 * announcements send through it, neither through the other.
 */
export interface ZaloOutbound {
  client: ZaloClient;
  /**
   * Everything a first send needs, made ready before the service takes traffic: between the journal's "replying"
   * mark and Zalo taking the message, a crash loses that reply, so nothing slow may happen there.
   */
  start(): Promise<void>;
  stop(): void;
}

export function createZaloOutbound(deps: {
  settings: ZaloSettings;
  tokens: TokenRepository;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Several instances: the refresh lock they share. */
  lock?: RefreshLock;
  /** Several instances: the OA's quota of calls they share. */
  quota?: SharedQuota;
}): ZaloOutbound {
  const { settings, clock, log } = deps;
  const tokens = new ZaloTokenManager({ settings, repo: deps.tokens, clock, log, lock: deps.lock });
  return {
    client: new ZaloClient({ settings, tokens, log, quota: deps.quota }),
    async start() {
      await tokens.load();
      await warmUpFetch();
      tokens.start();
    },
    stop: () => tokens.stop(),
  };
}

/** Node loads its fetch implementation on first use; a data: URL loads it without touching the network. */
async function warmUpFetch(): Promise<void> {
  await (await fetch('data:,')).arrayBuffer();
}
