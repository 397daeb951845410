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
  /** How often the timer looks for due announcements and deliveries that may go out now (real time). */
  tickMs?: number;
  /** Overrides the batch size derived from the rate (tests). */
  batchSize?: number;
}

/**
 * Deliveries marked `sending` in one storage write: about 5 seconds of sending at the configured rate, so a crash
 * leaves at most that many "not sure if sent", while a fast rate does not rewrite the deliveries file per message.
 */
export function deliveryBatchSize(maxRequestsPerMinute: number): number {
  return Math.min(2000, Math.max(50, Math.ceil(maxRequestsPerMinute / 12)));
}

export interface Announcements {
  service: AnnouncementService;
  /** Engine hook: "Bạn có N thông báo mới…" for Zalo citizens back inside the window. */
  pendingHook: TurnHook;
  start(): Promise<void>;
  /** Publishes what is due and sends what may be sent now (the timer calls it; tests call it after moving the clock). */
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
  const pendingWindow = new PendingWindowIndex();
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
    batchSize: options.batchSize ?? deliveryBatchSize(options.maxRequestsPerMinute),
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
      await worker.recover();
      await pendingWindow.load(storage.deliveries);
      await service.resumePublishing();
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
