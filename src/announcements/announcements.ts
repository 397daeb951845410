import type { FastifyBaseLogger } from 'fastify';
import type { ZaloSender } from '../channels/zalo/client.js';
import type { Clock } from '../clock.js';
import { communeLabel } from '../domain/commune-label.js';
import type { CommuneDirectory } from '../domain/communes.js';
import type { TurnHook } from '../engine/engine.js';
import type { AuditLog } from '../staff/audit-log.js';
import type { Storage } from '../storage/repositories.js';
import { AnnouncementService } from './announcement-service.js';
import { zaloAnnouncementText } from './announcement-text.js';
import { DeliveryWorker } from './delivery-worker.js';
import { createPendingAnnouncementsHook } from './pending-announcements-hook.js';
import { PendingWindowIndex } from './pending-window.js';
import type { CommuneBroadcaster, SentCheck } from './ports.js';
import type { QuietHours } from './quiet-hours.js';

export interface AnnouncementsOptions {
  storage: Pick<Storage, 'announcements' | 'deliveries' | 'citizens'>;
  communes: CommuneDirectory;
  audit: AuditLog;
  clock: Clock;
  quietHours: QuietHours | null;
  /** Zalo's outbound client; null when Zalo is off (no credentials). */
  zalo: ZaloSender | null;
  /** Zalo's conversation history, asked after a crash about deliveries being sent; null when Zalo is off. */
  sentCheck: SentCheck | null;
  /** The widget hub; null when none runs (announcements still reach the public feed). */
  web: CommuneBroadcaster | null;
  log: FastifyBaseLogger;
  /** ZALO_MAX_REQUESTS_PER_MINUTE: sizes the delivery batches. */
  maxRequestsPerMinute: number;
  /**
   * Several instances may share the storage (PostgreSQL): how long a delivery may stay `sending`, or an announcement
   * `publishing`, before another instance takes it over (DELIVERY_LEASE_SECONDS). Null: this instance alone (lowdb)
   * takes over what it left unfinished, at its start.
   */
  leaseMs?: number | null;
  /** How often the timer looks for due announcements and deliveries that may go out now (real time). */
  tickMs?: number;
  /** Overrides the batch size derived from the rate (tests). */
  batchSize?: number;
}

/**
 * Deliveries claimed (marked `sending`) in one storage write: about 5 seconds of sending at the configured rate, so a
 * crash leaves at most that many "not sure if sent", while a fast rate does not rewrite the deliveries file per
 * message. With a lease, a batch takes at most a quarter of it at that rate, so no instance takes over a batch whose
 * instance is still sending it.
 */
export function deliveryBatchSize(maxRequestsPerMinute: number, leaseMs: number | null = null): number {
  const byRate = Math.min(2000, Math.max(50, Math.ceil(maxRequestsPerMinute / 12)));
  if (leaseMs === null) return byRate;
  return Math.max(1, Math.min(byRate, Math.floor(((maxRequestsPerMinute / 60_000) * leaseMs) / 4)));
}

/** "Every announcement left publishing": what one instance resumes at its start. */
const ALL_STALLED = new Date('9999-01-01T00:00:00Z');

export interface Announcements {
  service: AnnouncementService;
  /** Engine hook: "Bạn có N thông báo mới…" for Zalo citizens back inside the window. */
  pendingHook: TurnHook;
  start(): Promise<void>;
  /**
   * Publishes what is due, takes over what a dead instance left (several instances), and sends what may be sent now
   * (the timer calls it; tests call it after moving the clock).
   */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** The announcement service, its durable delivery worker and the pending-announcements hook, wired together. */
export function createAnnouncements(options: AnnouncementsOptions): Announcements {
  const { storage, communes, clock, log } = options;
  const labelOf = (id: string) => {
    const commune = communes.byId(id);
    return commune ? communeLabel(commune) : null;
  };
  const leaseMs = options.leaseMs ?? null;
  const pendingWindow = new PendingWindowIndex({ sharedStorage: leaseMs !== null });
  const worker = new DeliveryWorker({
    deliveries: storage.deliveries,
    citizens: storage.citizens,
    announcements: storage.announcements,
    zalo: options.zalo,
    sentCheck: options.sentCheck,
    clock,
    quietHours: options.quietHours,
    textFor: (announcement, citizen) => zaloAnnouncementText(announcement, citizen.commune ? labelOf(citizen.commune) : null),
    pendingWindow,
    log,
    batchSize: options.batchSize ?? deliveryBatchSize(options.maxRequestsPerMinute, leaseMs),
    leaseMs,
  });
  const service = new AnnouncementService({
    announcements: storage.announcements,
    deliveries: storage.deliveries,
    citizens: storage.citizens,
    communes,
    audit: options.audit,
    clock,
    worker,
    pendingWindow,
    zaloEnabled: options.zalo !== null,
    web: options.web,
    log,
  });
  const pendingHook = createPendingAnnouncementsHook({
    deliveries: storage.deliveries,
    announcements: storage.announcements,
    citizens: storage.citizens,
    pendingWindow,
    clock,
    labelOf,
  });

  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  const tick = () => {
    ticking ??= (async () => {
      try {
        await service.publishDue();
        // Several instances: what a dead one left publishing is taken over once its lease has run out.
        if (leaseMs !== null) await service.resumePublishing(new Date(clock.now().getTime() - leaseMs));
        await worker.kick();
      } catch (error) {
        log.error({ err: error }, 'announcement tick failed');
      } finally {
        ticking = null;
      }
    })();
    return ticking;
  };

  return {
    service,
    pendingHook,
    async start() {
      // One instance: what it left sending or publishing when it stopped is its own to finish, now.
      await worker.recover();
      await pendingWindow.load(storage.deliveries);
      if (leaseMs === null) await service.resumePublishing(ALL_STALLED);
      timer = setInterval(() => void tick(), options.tickMs ?? 1000);
      timer.unref();
      void tick();
    },
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      // Stop the worker first: a tick in progress then ends after its current batch instead of draining the queue.
      const stopped = worker.stop();
      await ticking;
      await stopped;
    },
  };
}
