import type { Clock } from '../clock.js';
import { CITY_LABEL } from '../domain/commune-label.js';
import type { TurnHook } from '../engine/engine.js';
import type { Reply, TurnContext } from '../engine/types.js';
import type { AnnouncementRecord, DeliveryRecord } from '../storage/records.js';
import type { AnnouncementRepository, CitizenRepository, DeliveryRepository } from '../storage/repositories.js';
import { REASON } from './delivery-reasons.js';
import type { PendingWindowIndex } from './pending-window.js';

/** Announcements older than this are no longer "new" when the citizen finally writes. */
const PENDING_MAX_AGE_MS = 30 * 24 * 3_600_000;
const TITLES_SHOWN = 5;

export interface PendingAnnouncementsHookOptions {
  deliveries: DeliveryRepository;
  announcements: AnnouncementRepository;
  citizens: CitizenRepository;
  pendingWindow: PendingWindowIndex;
  clock: Clock;
  /** "xã Thanh Hà" for a commune id. */
  labelOf: (communeId: string) => string | null;
}

/**
 * A Zalo citizen who was outside the 7-day window when announcements went out gets, when they next write (which
 * reopens the window), first a short "Bạn có N thông báo mới từ xã …" with the titles; the deliveries are then
 * recorded as sent. The full texts are one message away ("xem thông báo").
 */
export function createPendingAnnouncementsHook(options: PendingAnnouncementsHookOptions): TurnHook {
  return {
    async before(ctx: TurnContext): Promise<Reply[]> {
      if (ctx.message.channel !== 'zalo') return [];
      const citizenId = `zalo:${ctx.message.userId}`;
      if (!options.pendingWindow.has(citizenId)) return [];
      options.pendingWindow.delete(citizenId);
      const waiting = await options.deliveries.forCitizen(citizenId, ['pending_window']);
      if (!waiting.length) return [];
      const citizen = await options.citizens.get(citizenId);
      const at = ctx.now.toISOString();
      const fresh: AnnouncementRecord[] = [];
      const updates: DeliveryRecord[] = [];
      for (const delivery of waiting) {
        const announcement = await options.announcements.get(delivery.announcementId);
        if (!announcement || announcement.status === 'withdrawn') {
          updates.push({ ...delivery, state: 'skipped', reason: REASON.withdrawn, updatedAt: at });
        } else if (!citizen?.subscribed) {
          updates.push({ ...delivery, state: 'skipped', reason: REASON.unsubscribed, updatedAt: at });
        } else if (ctx.now.getTime() - Date.parse(announcement.publishedAt ?? announcement.createdAt) > PENDING_MAX_AGE_MS) {
          updates.push({ ...delivery, state: 'skipped', reason: REASON.expired, updatedAt: at });
        } else {
          fresh.push(announcement);
          updates.push({ ...delivery, state: 'sent', reason: REASON.onNextMessage, attempts: delivery.attempts + 1, updatedAt: at });
        }
      }
      await options.deliveries.update(updates);
      if (fresh.length === 0) return [];
      const communeLabel = citizen?.commune ? options.labelOf(citizen.commune) : null;
      return [summary(fresh, fresh.every((a) => a.communes === 'all') || !communeLabel ? CITY_LABEL : communeLabel)];
    },
  };
}

function summary(announcements: AnnouncementRecord[], from: string): Reply {
  const newest = [...announcements].sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''));
  // Bullets, not numbers: on Zalo a typed number answers the menu of the turn's last reply.
  const lines = newest.slice(0, TITLES_SHOWN).map((a) => `• ${a.title}`);
  if (newest.length > TITLES_SHOWN) lines.push(`… và ${newest.length - TITLES_SHOWN} thông báo khác.`);
  return {
    text: `Bạn có ${newest.length} thông báo mới từ ${from}:\n${lines.join('\n')}\nNhắn "xem thông báo" để đọc đầy đủ.`,
  };
}
