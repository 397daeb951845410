import fp from 'fastify-plugin';
import { type Announcements, createAnnouncements } from '../announcements/announcements.js';
import { ZaloSentCheck } from '../channels/zalo/sent-check.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { CommuneDirectory } from '../domain/communes.js';
import type { Storage } from '../storage/repositories.js';
import { registerAnnouncementRoutes } from './announcement-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The announcement service and its delivery worker (tests tick it after moving the clock). */
    announcements: Announcements;
  }
}

/**
 * Announcements: the service and its durable delivery worker (sending through Zalo's outbound client and the widget
 * hub), the staff routes, and the worker's start and stop. Decorates `announcements`.
 */
export const announcementsPlugin = fp<{
  storage: Pick<Storage, 'announcements' | 'deliveries' | 'citizens'>;
  communes: CommuneDirectory;
  clock: Clock;
  config: Pick<Config, 'QUIET_HOURS' | 'ZALO_MAX_REQUESTS_PER_MINUTE' | 'DATABASE_URL' | 'DELIVERY_LEASE_SECONDS'>;
}>(
  async (app, { storage, communes, clock, config }) => {
    const announcements = createAnnouncements({
      storage,
      communes,
      audit: app.audit,
      clock,
      quietHours: config.QUIET_HOURS,
      maxRequestsPerMinute: config.ZALO_MAX_REQUESTS_PER_MINUTE,
      // PostgreSQL may be shared by several instances: work a dead one left is taken over once its lease runs out.
      leaseMs: config.DATABASE_URL ? config.DELIVERY_LEASE_SECONDS * 1000 : null,
      zalo: app.zaloOutbound?.client ?? null,
      sentCheck: app.zaloOutbound ? new ZaloSentCheck(app.zaloOutbound.client) : null,
      web: app.webPush,
      log: app.log,
    });
    app.decorate('announcements', announcements);
    registerAnnouncementRoutes(app, { announcements: announcements.service, guard: app.staffGuard, communes });
    app.addHook('onReady', () => announcements.start());
    // Stop sending before the server stops: the batch in flight is finished and recorded, the rest stays queued.
    app.addHook('preClose', () => announcements.stop());
  },
  { name: 'announcements', dependencies: ['staff', 'zalo-outbound', 'web-push'] },
);
