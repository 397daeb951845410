import fp from 'fastify-plugin';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { retentionPeriods } from '../privacy/retention-periods.js';
import { RetentionJob } from '../retention/retention-job.js';
import type { Storage } from '../storage/repositories.js';
import { registerPrivacyAdminRoutes, registerPrivacyPage } from './privacy-routes.js';

/** The retention job's period; it also compacts the change logs, so the privacy page states it. */
const RETENTION_RUN_MINUTES = 60;
const RETENTION_QUEUE = 'retention';

/**
 * Personal data: the privacy page, admins' requests on a citizen's behalf (staff-only), and the hourly retention
 * job (one run an hour across instances, through the job queue), started when the service is ready and stopped
 * before it closes.
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
    const failed = (error: unknown) => app.log.error({ err: error }, 'retention run failed');
    app.addHook('onReady', async () => {
      // One run per period across instances: each asks for the period's job, one instance runs it.
      await app.jobs.work(RETENTION_QUEUE, () => retention.tick().then(() => undefined, failed), { leaseSeconds: 30 * 60 });
      const ask = () => app.jobs.send(RETENTION_QUEUE, {}, { key: 'run', periodSeconds: RETENTION_RUN_MINUTES * 60 });
      retention.start(RETENTION_RUN_MINUTES, ask, failed);
    });
    app.addHook('preClose', () => retention.stop());
  },
  { name: 'privacy', dependencies: ['staff', 'conversation', 'jobs'] },
);
