import fp from 'fastify-plugin';
import { createZaloOutbound, type ZaloOutbound } from '../channels/zalo/outbound.js';
import type { SignatureWatch } from '../channels/zalo/signature-watch.js';
import { registerZaloWebhook } from '../channels/zalo/webhook.js';
import type { Clock } from '../clock.js';
import type { ZaloSettings } from '../config.js';
import { communeResolver } from '../domain/commune-resolver.js';
import type { CommuneDirectory } from '../domain/communes.js';
import type { Storage } from '../storage/repositories.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Zalo's outbound client and tokens; null when the Zalo channel is off (no credentials). */
    zaloOutbound: ZaloOutbound | null;
    /** The webhook's inbox (only when Zalo is on): `idle()` resolves once every accepted event has been answered. */
    zaloInbox?: { idle(): Promise<void> };
  }
}

/**
 * Zalo's outbound side (client and tokens): decorates `zaloOutbound`, makes tokens ready before the service takes
 * traffic and stops their upkeep on close. Registered before anything that sends (announcements, the webhook).
 */
export const zaloOutboundPlugin = fp<{ settings: ZaloSettings | null; storage: Pick<Storage, 'tokens'>; clock: Clock }>(
  async (app, { settings, storage, clock }) => {
    const lock = app.sharedState?.zaloRefreshLock ?? undefined;
    const quota = settings ? app.sharedState?.zaloQuota?.(settings.maxRequestsPerMinute) : undefined;
    const outbound = settings ? createZaloOutbound({ settings, tokens: storage.tokens, clock, log: app.log, lock, quota }) : null;
    if (!outbound) app.log.info('Zalo channel off: ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY or ZALO_REFRESH_TOKEN not set');
    app.decorate('zaloOutbound', outbound);
    if (!outbound) return;
    app.addHook('onReady', () => outbound.start());
    app.addHook('onClose', async () => outbound.stop());
  },
  { name: 'zalo-outbound' },
);

/** The Zalo OA webhook (signed, journaled, exactly-once replies); only registered when Zalo is on. */
export const zaloChannelPlugin = fp<{
  settings: ZaloSettings;
  storage: Pick<Storage, 'journal'>;
  communes: CommuneDirectory;
  clock: Clock;
  signatures: SignatureWatch;
}>(
  async (app, o) => {
    const inbox = registerZaloWebhook(app, {
      settings: o.settings,
      engine: app.engine,
      storage: o.storage,
      citizens: app.citizens,
      clock: o.clock,
      client: app.zaloOutbound!.client,
      resolveCommune: communeResolver(o.communes),
      signatures: o.signatures,
      jobs: app.jobs,
      leaseSeconds: o.settings.inboxLeaseSeconds,
    });
    app.decorate('zaloInbox', { idle: () => inbox.idle() });
  },
  { name: 'zalo-channel', dependencies: ['jobs', 'zalo-outbound', 'conversation'] },
);
