import fp from 'fastify-plugin';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { retentionPeriods } from '../privacy/retention-periods.js';
import { RetentionJob } from '../retention/retention-job.js';
import type { Storage } from '../storage/repositories.js';
import { registerPrivacyAdminRoutes, registerPrivacyPage } from './privacy-routes.js';

/** The retention job's period; it also compacts the change logs, so the privacy page states it. */
const RETENTION_RUN_MINUTES = 60;

/**
 * Personal data: the privacy page, admins' requests on a citizen's behalf (staff-only), and the hourly retention
 * job, started when the service is ready and stopped before it closes.
 */
export const privacyPlugin = fp<{ config: Config; storage: Storage; clock: Clock }>(
  async (app, { config, storage, clock }) => {
    const periods = retentionPeriods(config);
    registerPrivacyAdminRoutes(app, { personalData: app.personalData, audit: storage.audit, guard: app.staffGuard, now: () => clock.now() });
    registerPrivacyPage(app, {
      periods,
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      snapshotSeconds: config.SESSION_SNAPSHOT_SECONDS,
      cleanupEveryMinutes: RETENTION_RUN_MINUTES,
    });
    const retention = new RetentionJob({ storage, personalData: app.personalData, clock, periods });
    app.addHook('onReady', async () => {
      retention.start(RETENTION_RUN_MINUTES, (error) => app.log.error({ err: error }, 'retention run failed'));
    });
    app.addHook('preClose', () => retention.stop());
  },
  { name: 'privacy', dependencies: ['staff', 'conversation'] },
);
