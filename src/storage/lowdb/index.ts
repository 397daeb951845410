import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  type AnnouncementRecord,
  type AuditRecord,
  announcementRecord,
  auditRecord,
  type CitizenRecord,
  citizenRecord,
  type DeliveryRecord,
  deliveryRecord,
  type HandoffRecord,
  handoffRecord,
  type JournalRecord,
  journalRecord,
  type KeptAnswerRecord,
  type KnowledgeDraftRecord,
  keptAnswerRecord,
  knowledgeDraftRecord,
  type SessionRecord,
  type StaffRecord,
  type StaffSessionRecord,
  type StatRecord,
  type StoredRecords,
  sessionRecord,
  staffRecord,
  staffSessionRecord,
  statRecord,
  type TokenRecord,
  tokenRecord,
  type UnansweredRecord,
  unansweredRecord,
} from '../records.js';
import type { Storage } from '../repositories.js';
import { sumIncrements } from '../stat-counters.js';
import { lowdbDeliveries } from './deliveries.js';
import { JsonCollection } from './json-collection.js';

const olderThan = (iso: string, before: Date) => Date.parse(iso) < before.getTime();
const newestFirst = <T extends { createdAt?: string; at?: string }>(a: T, b: T) =>
  (b.createdAt ?? b.at ?? '').localeCompare(a.createdAt ?? a.at ?? '');
const addressedTo = (target: readonly string[] | 'all', communes: readonly string[]) =>
  target === 'all' || target.some((c) => communes.includes(c));

/**
 * Large collections with small writes: each write appends the changed records to a log instead of rewriting the
 * file (see JsonCollection). The journal (every webhook event before its 200), deliveries (every batch of sends),
 * citizens (a save per message, the largest collection: ~300 ms a save at 100,000 citizens as a whole file) and the
 * audit (never changed once written, kept two years).
 */
const LOGGED = { log: true };

/** Every collection's file, read and validated (the log replayed onto its snapshot). */
async function openCollections(dataDir: string): Promise<{ [K in keyof StoredRecords]: JsonCollection<StoredRecords[K]> }> {
  const open = <T extends { id: string }>(name: string, schema: z.ZodType<T>, options?: { log: boolean }) =>
    JsonCollection.open<T>(dataDir, name, schema, options);
  const [
    sessions, citizens, journal, announcements, deliveries, staff, staffSessions, audit, tokens, keptAnswers, unanswered, stats, handoffs, knowledgeDrafts,
  ] =
    await Promise.all([
      open<SessionRecord>('sessions', sessionRecord),
      open<CitizenRecord>('citizens', citizenRecord, LOGGED),
      open<JournalRecord>('journal', journalRecord, LOGGED),
      open<AnnouncementRecord>('announcements', announcementRecord),
      open<DeliveryRecord>('deliveries', deliveryRecord, LOGGED),
      open<StaffRecord>('staff', staffRecord),
      open<StaffSessionRecord>('staff-sessions', staffSessionRecord),
      open<AuditRecord>('audit', auditRecord, LOGGED),
      open<TokenRecord>('tokens', tokenRecord as z.ZodType<TokenRecord>),
      open<KeptAnswerRecord>('kept-answers', keptAnswerRecord),
      open<UnansweredRecord>('unanswered', unansweredRecord),
      // A counter changes on almost every message: logged like the other collections of many small writes.
      open<StatRecord>('stats', statRecord, LOGGED),
      open<HandoffRecord>('handoffs', handoffRecord),
      open<KnowledgeDraftRecord>('knowledge-drafts', knowledgeDraftRecord),
    ]);
  return {
    ...{ sessions, citizens, journal, announcements, deliveries, staff, staffSessions, audit, tokens, keptAnswers, unanswered },
    ...{ stats, handoffs, knowledgeDrafts },
  };
}

/** Every record of every collection in DATA_DIR, validated as at start-up (`npm run migrate-data` copies them). */
export async function readLowdbRecords(dataDir: string): Promise<{ [K in keyof StoredRecords]: StoredRecords[K][] }> {
  const c = await openCollections(dataDir);
  const all = <T extends { id: string }>(collection: JsonCollection<T>) => [...collection.values()];
  return {
    sessions: all(c.sessions),
    citizens: all(c.citizens),
    journal: all(c.journal),
    announcements: all(c.announcements),
    deliveries: all(c.deliveries),
    staff: all(c.staff),
    staffSessions: all(c.staffSessions),
    audit: all(c.audit),
    tokens: all(c.tokens),
    keptAnswers: all(c.keptAnswers),
    unanswered: all(c.unanswered),
    stats: all(c.stats),
    handoffs: all(c.handoffs),
    knowledgeDrafts: all(c.knowledgeDrafts),
  };
}

/**
 * A collection's records grouped by a key, rebuilt on the first read after a change: for lookups made on every turn
 * (a citizen's handoffs) of a collection written far less often. The caller reports each change.
 */
function groupedBy<T extends { id: string }>(collection: JsonCollection<T>, keyOf: (record: T) => string) {
  let groups: Map<string, T[]> | null = null;
  return {
    of(key: string): T[] {
      if (!groups) {
        groups = new Map();
        for (const record of collection.values()) {
          const group = groups.get(keyOf(record));
          if (group) group.push(record);
          else groups.set(keyOf(record), [record]);
        }
      }
      return groups.get(key) ?? [];
    },
    changed(): void {
      groups = null;
    },
  };
}

/** The embedded default: one lowdb JSON file per collection under DATA_DIR (plus a change log for some). */
export async function openLowdbStorage(dataDir: string): Promise<Storage> {
  const c = await openCollections(dataDir);
  const { sessions, citizens, journal, announcements, deliveries, staff, staffSessions, audit, tokens, keptAnswers: kept, unanswered } = c;
  const { stats, handoffs, knowledgeDrafts: drafts } = c;
  const all = Object.values(c);
  const byCitizen = groupedBy(handoffs, (h) => h.citizenId);
  const flush = async () => {
    await Promise.all(all.map((c) => c.flush()));
  };

  return {
    sessions: {
      loadAll: async () => [...sessions.values()],
      replaceAll: (records) => sessions.replaceAll(records),
      get: async (key) => sessions.get(key),
      save: (record) => sessions.put(record),
      delete: (key) => sessions.delete(key),
      purgeIdleSince: (before) => sessions.deleteWhere((s) => olderThan(s.lastActiveAt, before)),
      sharedByInstances: false,
    },
    citizens: {
      get: async (id) => citizens.get(id),
      save: (c) => citizens.put(c),
      subscribersOf: async (communes) =>
        citizens.filter((c) => c.subscribed && c.commune !== null && (communes === 'all' || communes.includes(c.commune))),
      inCommunes: async (communes) =>
        citizens.filter((c) => c.commune !== null && (communes === 'all' || communes.includes(c.commune))),
      countSubscribers: async () => citizens.filter((c) => c.subscribed).length,
      delete: async (id) => {
        await citizens.delete(id);
        // Erasure: every earlier version of the record in the log must leave the disk too.
        await citizens.compact();
      },
      inCommunesChunks: async function* (communes, size) {
        // The records are in memory already: the chunks are slices of one list of references.
        const all = citizens.filter((c) => c.commune !== null && (communes === 'all' || communes.includes(c.commune)));
        for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
      },
      idleSince: async (before) => citizens.filter((c) => olderThan(c.lastInteractionAt, before)),
    },
    journal: {
      recordIfNew: async (entry) => {
        if (journal.get(entry.id)) return false;
        await journal.put({ ...entry, state: 'received', outcome: null });
        return true;
      },
      advance: async (id, state, outcome, pendingReplies) => {
        const entry = journal.get(id);
        if (!entry) return;
        const done = state === 'done';
        await journal.put({
          ...entry,
          state,
          outcome: outcome ?? entry.outcome,
          event: done ? null : entry.event,
          citizenId: done ? null : entry.citizenId,
          pendingReplies: done ? null : (pendingReplies ?? entry.pendingReplies ?? null),
        });
      },
      unfinished: async () => journal.filter((e) => e.state !== 'done'),
      // `done` entries have no citizen, so this finds the unfinished ones.
      unfinishedOf: async (citizenId, limit) => journal.filter((e) => e.citizenId === citizenId && e.state !== 'done').slice(0, limit),
      forgetCitizen: async (citizenId) => {
        const mine = journal.filter((e) => e.citizenId === citizenId);
        await journal.putMany(
          mine.map((e) => ({ ...e, state: 'done' as const, event: null, citizenId: null, pendingReplies: null, outcome: 'deleted' })),
        );
        // Erasure: the log's earlier lines hold the citizen's events, those of entries handled long ago included.
        await journal.compact();
        return mine.length;
      },
      purgeBefore: (before) => journal.deleteWhere((e) => e.state === 'done' && olderThan(e.receivedAt, before)),
    },
    announcements: {
      save: (a) => announcements.put(a),
      get: async (id) => announcements.get(id),
      list: async ({ communes, status, limit }) =>
        announcements
          .filter((a) => (!status || status.includes(a.status)) && (!communes || addressedTo(a.communes, communes)))
          .sort(newestFirst)
          .slice(0, limit ?? Number.POSITIVE_INFINITY),
      saveIf: async (announcement, expected) => {
        if (!isDeepStrictEqual(announcements.get(announcement.id), expected)) return false;
        // Checked and set before the first await: of two callers in this process, one wins.
        await announcements.put(announcement);
        return true;
      },
      dueBy: async (at) =>
        announcements.filter(
          (a) => a.status === 'scheduled' && a.scheduledAt !== null && Date.parse(a.scheduledAt) <= at.getTime(),
        ),
    },
    deliveries: lowdbDeliveries(deliveries),
    staff: {
      get: async (username) => staff.get(username),
      list: async () => [...staff.values()],
      save: (s) => staff.put(s),
      delete: (username) => staff.delete(username),
    },
    staffSessions: {
      get: async (id) => staffSessions.get(id),
      save: (s) => staffSessions.put(s),
      delete: (id) => staffSessions.delete(id),
      deleteForUser: (username) => staffSessions.deleteWhere((s) => s.username === username),
      purgeExpired: (at) => staffSessions.deleteWhere((s) => olderThan(s.expiresAt, at)),
    },
    audit: {
      append: (entry) => audit.put(entry),
      list: async ({ limit, before }) =>
        audit
          .filter((e) => !before || e.at < before)
          .sort(newestFirst)
          .slice(0, limit),
      purgeBefore: (before) => audit.deleteWhere((e) => olderThan(e.at, before)),
    },
    tokens: {
      get: async () => tokens.get('zalo'),
      save: (t) => tokens.put(t),
    },
    keptAnswers: {
      add: (a) => kept.put(a),
      // One record rewritten in one write of the file (a temporary file renamed over it): the old or the new, never neither.
      replace: async (a) => {
        const earlier = kept.get(a.id);
        if (earlier && earlier.citizenId !== a.citizenId) throw new Error(`kept answer ${a.id} is another citizen's: not replaced`);
        await kept.put(a);
        return earlier !== undefined;
      },
      forCitizen: async (citizenId) => kept.filter((a) => a.citizenId === citizenId),
      deleteForCitizen: (citizenId) => kept.deleteWhere((a) => a.citizenId === citizenId),
      purgeBefore: (before) => kept.deleteWhere((a) => olderThan(a.createdAt, before)),
    },
    unanswered: {
      add: (u) => unanswered.put(u),
      list: async () => [...unanswered.values()],
      deleteForCitizen: (citizenId) => unanswered.deleteWhere((u) => u.citizenId === citizenId),
      purgeBefore: (before) => unanswered.deleteWhere((u) => olderThan(u.at, before)),
    },
    stats: {
      add: (increments) => stats.putMany(sumIncrements(increments, (id) => stats.get(id))),
      between: async (fromWeek, toWeek, communes) =>
        stats.filter((s) => s.week >= fromWeek && s.week <= toWeek && (communes === 'all' || communes.includes(s.commune))),
    },
    handoffs: {
      get: async (id) => handoffs.get(id),
      save: (h) => {
        byCitizen.changed();
        return handoffs.put(h);
      },
      // One process (nothing locks DATA_DIR): checking and replacing before the first await is one atomic step.
      saveIfUnchanged: async (h, readRevision) => {
        const stored = handoffs.get(h.id);
        if (!stored || (stored.revision ?? 0) !== readRevision) return false;
        byCitizen.changed();
        await handoffs.put(h);
        return true;
      },
      active: async () => handoffs.filter((h) => h.status !== 'closed'),
      pendingFor: async (citizenId) =>
        byCitizen.of(citizenId).filter((h) => h.status !== 'closed' || h.messages.some((m) => m.delivery === 'waiting')),
      list: async ({ statuses, communes, limit }) =>
        handoffs
          .filter((h) => statuses.includes(h.status) && (!communes || communes.includes(h.commune)))
          .sort(newestFirst)
          .slice(0, limit ?? Number.POSITIVE_INFINITY),
      forCitizen: async (citizenId) => handoffs.filter((h) => h.citizenId === citizenId),
      deleteForCitizen: (citizenId) => {
        byCitizen.changed();
        return handoffs.deleteWhere((h) => h.citizenId === citizenId);
      },
      purgeClosedBefore: (before) => {
        byCitizen.changed();
        return handoffs.deleteWhere((h) => h.closedAt !== null && olderThan(h.closedAt, before));
      },
    },
    knowledgeDrafts: {
      add: (d) => drafts.put(d),
      list: async () => drafts.filter(() => true).sort(newestFirst),
      delete: async (id) => (await drafts.deleteWhere((d) => d.id === id)) > 0,
    },
    flush,
    compact: async () => {
      await Promise.all(all.map((c) => c.compact()));
    },
    // Files on the local disk: there is nothing to reach.
    ping: async () => undefined,
    close: flush,
  };
}
