import type { DeliveryRecord } from '../records.js';
import type { DeliveryRepository } from '../repositories.js';
import type { JsonCollection } from './json-collection.js';

const FINISHED = new Set<DeliveryRecord['state']>(['sent', 'failed', 'skipped']);
const WAITING = new Set<DeliveryRecord['state']>(['queued', 'pending_window']);
const olderThan = (iso: string, before: Date) => Date.parse(iso) < before.getTime();
const isQueuedZalo = (d: DeliveryRecord) => d.state === 'queued' && d.channel === 'zalo';

/**
 * Deliveries in one process's memory. The queued Zalo deliveries are also kept in a set, in the order they (re)entered
 * the queue, so a claim takes the next batch without scanning every delivery ever made (they are kept two years).
 */
export function lowdbDeliveries(deliveries: JsonCollection<DeliveryRecord>): DeliveryRepository {
  const queued = new Set<string>();
  for (const d of deliveries.values()) if (isQueuedZalo(d)) queued.add(d.id);
  /** Ids being decided by decideInterrupted: not handed to a second caller meanwhile. */
  const deciding = new Set<string>();

  const put = (records: readonly DeliveryRecord[]) => {
    for (const d of records) {
      // A delivery queued again goes to the back of the queue.
      queued.delete(d.id);
      if (isQueuedZalo(d)) queued.add(d.id);
    }
    return deliveries.putMany(records);
  };
  const deleteWhere = (predicate: (d: DeliveryRecord) => boolean) =>
    deliveries.deleteWhere((d) => {
      if (!predicate(d)) return false;
      queued.delete(d.id);
      return true;
    });

  return {
    enqueue: async (records) => {
      const fresh = records.filter((r) => !deliveries.get(r.id));
      if (fresh.length) await put(fresh);
      return fresh.length;
    },
    update: (records) => put(records),
    forAnnouncement: async (id) => deliveries.filter((d) => d.announcementId === id),
    inState: async (states, limit) => {
      const out: DeliveryRecord[] = [];
      for (const d of deliveries.values()) {
        if (states.includes(d.state)) out.push(d);
        if (limit !== undefined && out.length >= limit) break;
      }
      return out;
    },
    forCitizen: async (citizenId, states) =>
      deliveries.filter((d) => d.citizenId === citizenId && (!states || states.includes(d.state))),
    deleteForCitizen: async (citizenId) => {
      const removed = await deleteWhere((d) => d.citizenId === citizenId);
      // Erasure: the log's earlier lines (and the deletions, whose ids name the citizen) must leave the disk too.
      await deliveries.compact();
      return removed;
    },
    claimQueued: async (limit, at) => {
      const claimed: DeliveryRecord[] = [];
      for (const id of queued) {
        if (claimed.length >= limit) break;
        const d = deliveries.get(id)!;
        claimed.push({ ...d, state: 'sending', attempts: d.attempts + 1, updatedAt: at.toISOString() });
      }
      // Marked in memory before the first await: a second caller finds them taken.
      await put(claimed);
      return claimed;
    },
    decideInterrupted: async (before, limit, decide) => {
      const interrupted: DeliveryRecord[] = [];
      for (const d of deliveries.values()) {
        if (interrupted.length >= limit) break;
        if (d.state === 'sending' && olderThan(d.updatedAt, before) && !deciding.has(d.id)) interrupted.push(d);
      }
      if (!interrupted.length) return [];
      for (const d of interrupted) deciding.add(d.id);
      try {
        const decided = await decide(interrupted);
        await put(decided);
        return decided;
      } finally {
        for (const d of interrupted) deciding.delete(d.id);
      }
    },
    skipWaiting: async (announcementId, reason, at) => {
      const waiting = deliveries.filter((d) => d.announcementId === announcementId && WAITING.has(d.state));
      await put(waiting.map((d) => ({ ...d, state: 'skipped' as const, reason, updatedAt: at.toISOString() })));
      return waiting.length;
    },
    purgeFinishedBefore: (before) => deleteWhere((d) => FINISHED.has(d.state) && olderThan(d.updatedAt, before)),
  };
}
