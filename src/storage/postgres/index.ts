import pg from 'pg';
import {
  announcementRecord,
  auditRecord,
  citizenRecord,
  deliveryRecord,
  handoffRecord,
  type JournalRecord,
  journalRecord,
  keptAnswerRecord,
  knowledgeDraftRecord,
  type StoredRecords,
  sessionRecord,
  staffRecord,
  staffSessionRecord,
  statRecord,
  tokenRecord,
  unansweredRecord,
} from '../records.js';
import type { StatIncrement, Storage } from '../repositories.js';
import { sumIncrements } from '../stat-counters.js';
import { batchedReads } from './batched-reads.js';
import { groupCommit } from './group-commit.js';
import { type MigrationLog, migrate } from './migrate.js';
import { type AskedKey, type KeyedSelect, keyedRows, storable, storableParams, Table, toJson, transaction } from './table.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (`?options=-c search_path=…` for another schema than public). */
  url: string;
  /** Connections per instance. */
  poolSize?: number;
  /** Errors of idle connections (the server restarted, the network dropped): logged, the pool opens new ones. */
  onError?: (error: Error) => void;
  /** Where the migrations run at opening say what they did. */
  log?: MigrationLog;
}

/** Each collection's table (migrations/1765000000000_initial.sql). */
export const tables: { [K in keyof StoredRecords]: Table<StoredRecords[K]> } = {
  sessions: new Table('sessions', sessionRecord),
  citizens: new Table('citizens', citizenRecord),
  journal: new Table('journal', journalRecord),
  announcements: new Table('announcements', announcementRecord),
  deliveries: new Table('deliveries', deliveryRecord),
  staff: new Table('staff', staffRecord),
  staffSessions: new Table('staff_sessions', staffSessionRecord),
  audit: new Table('audit', auditRecord),
  tokens: new Table('tokens', tokenRecord),
  keptAnswers: new Table('kept_answers', keptAnswerRecord),
  unanswered: new Table('unanswered', unansweredRecord),
  stats: new Table('stats', statRecord),
  handoffs: new Table('handoffs', handoffRecord),
  knowledgeDrafts: new Table('knowledge_drafts', knowledgeDraftRecord),
};

const FINISHED = "state IN ('sent', 'failed', 'skipped')";
/** Citizens of the communes in $1: null for "all" (see communeList). */
const IN_COMMUNES = 'commune IS NOT NULL AND ($1::text[] IS NULL OR commune = ANY($1))';
const communeList = (communes: readonly string[] | 'all') => (communes === 'all' ? null : [...communes]);
const iso = (date: Date) => date.toISOString();
/** An ORDER BY with its LIMIT (none when `limit` is undefined); the limit is a number the adapter formats itself. */
const limited = (order: string, limit?: number) => `${order} LIMIT ${limit === undefined ? 'ALL' : Math.max(0, Math.floor(limit))}`;

/** How often, at most, an instance writes its statistics counters while turns keep adding to them. */
const STATS_SPACING_MS = 100;

/** Opens a pool on DATABASE_URL and brings the schema up to date (migrations/) before anything is read. */
export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  // A query waits up to 30 s for a connection (a burst queues behind the pool) before it fails.
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 30_000 });
  pool.on('error', (error) => options.onError?.(error));
  try {
    await migrate(pool, options.log);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return postgresStorage(pool);
}

/** The repositories on an open, migrated pool. */
export function postgresStorage(pool: pg.Pool): Storage {
  const t = tables;
  /** Several rows written together, or none: one transaction. */
  const putAll = <T extends { id: string }>(table: Table<T>, records: T[], conflict: 'replace' | 'keep') =>
    records.length ? transaction(pool, (client) => table.putMany(client, records, conflict)) : Promise.resolve(0);

  // Nearly every turn adds to a counter, most of them to the same few rows: the increments of concurrent turns go
  // as one statement, summed, rather than one statement each queueing on the row's lock. Under load a statement goes
  // at most every STATS_SPACING_MS: counts a turn does not wait for need not cost a round trip per few turns (each
  // instance's own, so two instances sent twice as many per turn as one).
  const addStats = groupCommit<StatIncrement>(async (increments) => {
    // One row per counter in the statement (ON CONFLICT may not touch a row twice), summed into what is stored.
    const sums = sumIncrements(increments);
    if (!sums.length) return;
    await pool.query(
      `INSERT INTO stats (id, record)
       SELECT r->>'id', r FROM jsonb_array_elements($1::jsonb) AS a(r)
       ON CONFLICT (id) DO UPDATE SET record = stats.record
         || jsonb_build_object('count', (stats.record->>'count')::bigint + (excluded.record->>'count')::bigint)
         || CASE WHEN excluded.record ? 'seconds'
              THEN jsonb_build_object('seconds', coalesce((stats.record->>'seconds')::numeric, 0) + (excluded.record->>'seconds')::numeric)
              ELSE '{}'::jsonb END`,
      [toJson(sums)],
    );
  }, { spacingMs: STATS_SPACING_MS });

  // Read at the start of every chat turn, by every turn at once under load: the keys of concurrent turns, whichever of
  // these they read, go in one query, and each caller parses its own rows (its own copy; a row failing its schema
  // fails only its callers).
  const turnSelects: KeyedSelect[] = [
    { table: t.sessions, column: 'id' },
    { table: t.citizens, column: 'id' },
    { table: t.handoffs, column: 'citizen_id', where: `status <> 'closed' OR record->'messages' @> '[{"delivery":"waiting"}]'` },
  ];
  const rowsByKeys = keyedRows(turnSelects);
  const turnRead = batchedReads((asked: AskedKey[]) => rowsByKeys(pool, asked));
  const rowsOf = (table: Table<{ id: string }>) => {
    const select = turnSelects.findIndex((s) => s.table === table);
    return (key: string) => turnRead({ select, key });
  };
  const byId = <T extends { id: string }>(table: Table<T>) => {
    const rows = rowsOf(table);
    return async (id: string) => {
      const [row] = await rows(id);
      return row && table.parse(row);
    };
  };
  const pendingRows = rowsOf(t.handoffs);

  return {
    sessions: {
      loadAll: () => t.sessions.select(pool),
      replaceAll: (records) =>
        transaction(pool, async (client) => {
          await client.query('DELETE FROM sessions');
          await t.sessions.putMany(client, records, 'replace');
        }),
      get: byId(t.sessions),
      save: async (record) => {
        await t.sessions.put(pool, record);
      },
      delete: async (key) => {
        await t.sessions.deleteWhere(pool, 'id = $1', [key]);
      },
      purgeIdleSince: (before) => t.sessions.deleteWhere(pool, 'last_active_at < $1', [iso(before)]),
      sharedByInstances: true,
    },
    citizens: {
      get: byId(t.citizens),
      save: async (citizen) => {
        await t.citizens.put(pool, citizen);
      },
      subscribersOf: (communes) => t.citizens.select(pool, `subscribed AND ${IN_COMMUNES}`, [communeList(communes)]),
      inCommunes: (communes) => t.citizens.select(pool, IN_COMMUNES, [communeList(communes)]),
      countSubscribers: () => t.citizens.count(pool, 'subscribed'),
      delete: async (id) => {
        await t.citizens.deleteWhere(pool, 'id = $1', [id]);
      },
      inCommunesChunks: async function* (communes, size) {
        // Keyset pages by id: each a short query, however many citizens there are.
        let after: string | null = null;
        for (;;) {
          const page = await t.citizens.select(pool, `${IN_COMMUNES} AND ($2::text IS NULL OR id > $2)`, [communeList(communes), after], limited('id', size));
          if (page.length) yield page;
          if (page.length < size) return;
          after = page.at(-1)!.id;
        }
      },
      idleSince: (before) => t.citizens.select(pool, 'last_interaction_at < $1', [iso(before)]),
    },
    journal: {
      recordIfNew: async (entry) => {
        const record: JournalRecord = { ...entry, state: 'received', outcome: null };
        return (await t.journal.putMany(pool, [record], 'keep')) === 1;
      },
      advance: async (id, state, outcome, pendingReplies) => {
        // One statement, so two instances advancing the same entry each see a whole record. "done" keeps only the hash.
        const json = (value: unknown) => (value === undefined || value === null ? null : toJson(value));
        await pool.query(
          `UPDATE journal SET record = CASE WHEN $2 = 'done'
             THEN record || jsonb_build_object('state', $2::text, 'outcome', coalesce($3::jsonb, record->'outcome'),
               'event', null, 'citizenId', null, 'pendingReplies', null)
             ELSE record || jsonb_build_object('state', $2::text, 'outcome', coalesce($3::jsonb, record->'outcome'),
               'pendingReplies', coalesce($4::jsonb, record->'pendingReplies', 'null'::jsonb))
           END
           WHERE id = $1`,
          storableParams([id, state, json(outcome), json(pendingReplies)]),
        );
      },
      unfinished: () => t.journal.select(pool, "state <> 'done'"),
      // journal_citizen_id holds only unfinished entries (a `done` one has no citizen).
      unfinishedOf: (citizenId, limit) => t.journal.select(pool, "citizen_id = $1 AND state <> 'done'", [citizenId], limited('seq', limit)),
      forgetCitizen: async (citizenId) => {
        const result = await pool.query(
          `UPDATE journal SET record = record || '{"state":"done","event":null,"citizenId":null,"pendingReplies":null,"outcome":"deleted"}'::jsonb
           WHERE citizen_id = $1`,
          storableParams([citizenId]),
        );
        return result.rowCount ?? 0;
      },
      purgeBefore: (before) => t.journal.deleteWhere(pool, "state = 'done' AND received_at < $1", [iso(before)]),
    },
    announcements: {
      save: async (announcement) => {
        await t.announcements.put(pool, announcement);
      },
      get: (id) => t.announcements.get(pool, id),
      list: ({ communes, status, limit }) =>
        t.announcements.select(
          pool,
          `($1::text[] IS NULL OR status = ANY($1))
           AND ($2::text[] IS NULL OR record->'communes' = '"all"'::jsonb OR record->'communes' ?| $2)`,
          [status ?? null, communes ? [...communes] : null],
          limited('created_at DESC, seq', limit),
        ),
      saveIf: async (announcement, expected) => {
        // jsonb equality: the same fields and values, whatever their order.
        const result = await pool.query('UPDATE announcements SET record = $2 WHERE id = $1 AND record = $3::jsonb', [
          storable(announcement.id),
          toJson(announcement),
          toJson(expected),
        ]);
        return result.rowCount === 1;
      },
      dueBy: (at) => t.announcements.select(pool, "status = 'scheduled' AND scheduled_at <= $1", [iso(at)]),
    },
    deliveries: {
      enqueue: (records) => putAll(t.deliveries, records, 'keep'),
      update: async (records) => {
        await putAll(t.deliveries, records, 'replace');
      },
      forAnnouncement: (id) => t.deliveries.select(pool, 'announcement_id = $1', [id]),
      inState: (states, limit) =>
        t.deliveries.select(
          pool,
          'state = ANY($1)',
          [states],
          limited('seq', limit),
        ),
      forCitizen: (citizenId, states) =>
        t.deliveries.select(pool, 'citizen_id = $1 AND ($2::text[] IS NULL OR state = ANY($2))', [citizenId, states ?? null]),
      deleteForCitizen: (citizenId) => t.deliveries.deleteWhere(pool, 'citizen_id = $1', [citizenId]),
      claimQueued: async (limit, at) => {
        // SKIP LOCKED: instances claiming at once each take other rows, none waits for another's.
        const { rows } = await pool.query(
          `WITH claimed AS (
             SELECT id FROM deliveries WHERE state = 'queued' AND record->>'channel' = 'zalo'
             ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
           )
           UPDATE deliveries d SET record = d.record || jsonb_build_object(
             'state', 'sending', 'attempts', (d.record->>'attempts')::int + 1, 'updatedAt', $2::text)
           FROM claimed WHERE d.id = claimed.id
           RETURNING d.id, d.record, d.seq`,
          [Math.max(0, Math.floor(limit)), iso(at)],
        );
        return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => t.deliveries.parse(row));
      },
      decideInterrupted: (before, limit, decide) =>
        // The rows stay locked while `decide` asks Zalo: a connection lost with its instance rolls back and frees them.
        transaction(pool, async (client) => {
          const interrupted = await t.deliveries.select(
            client,
            "state = 'sending' AND updated_at < $1",
            [iso(before)],
            `${limited('seq', limit)} FOR UPDATE SKIP LOCKED`,
          );
          if (!interrupted.length) return [];
          const decided = await decide(interrupted);
          await t.deliveries.putMany(client, decided, 'replace');
          return decided;
        }),
      skipWaiting: async (announcementId, reason, at) => {
        const result = await pool.query(
          `UPDATE deliveries SET record = record || jsonb_build_object('state', 'skipped', 'reason', $2::text, 'updatedAt', $3::text)
           WHERE announcement_id = $1 AND state IN ('queued', 'pending_window')`,
          storableParams([announcementId, reason, iso(at)]),
        );
        return result.rowCount ?? 0;
      },
      purgeFinishedBefore: (before) => t.deliveries.deleteWhere(pool, `${FINISHED} AND updated_at < $1`, [iso(before)]),
    },
    staff: {
      get: (username) => t.staff.get(pool, username),
      list: () => t.staff.select(pool),
      save: async (staff) => {
        await t.staff.put(pool, staff);
      },
      delete: async (username) => {
        await t.staff.deleteWhere(pool, 'id = $1', [username]);
      },
    },
    staffSessions: {
      get: (id) => t.staffSessions.get(pool, id),
      save: async (session) => {
        await t.staffSessions.put(pool, session);
      },
      delete: async (id) => {
        await t.staffSessions.deleteWhere(pool, 'id = $1', [id]);
      },
      deleteForUser: (username) => t.staffSessions.deleteWhere(pool, 'username = $1', [username]),
      purgeExpired: (at) => t.staffSessions.deleteWhere(pool, 'expires_at < $1', [iso(at)]),
    },
    audit: {
      append: async (entry) => {
        await t.audit.put(pool, entry);
      },
      list: ({ limit, before }) =>
        t.audit.select(
          pool,
          '($1::text IS NULL OR at < iso_time($1))',
          [before ?? null],
          limited('at DESC, seq', limit),
        ),
      purgeBefore: (before) => t.audit.deleteWhere(pool, 'at < $1', [iso(before)]),
    },
    tokens: {
      get: () => t.tokens.get(pool, 'zalo'),
      save: async (token) => {
        await t.tokens.put(pool, token);
      },
    },
    keptAnswers: {
      add: async (answer) => {
        await t.keptAnswers.put(pool, answer);
      },
      // One statement: the row is updated in place or inserted, never deleted first. `xmax` is 0 on a row just inserted.
      replace: async (answer) => {
        const { rows } = await pool.query(
          `INSERT INTO kept_answers (id, record) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET record = excluded.record WHERE kept_answers.citizen_id = excluded.record->>'citizenId'
           RETURNING xmax <> 0 AS replaced`,
          [storable(answer.id), toJson(answer)],
        );
        if (!rows[0]) throw new Error(`kept answer ${answer.id} is another citizen's: not replaced`);
        return rows[0].replaced as boolean;
      },
      forCitizen: (citizenId) => t.keptAnswers.select(pool, 'citizen_id = $1', [citizenId]),
      deleteForCitizen: (citizenId) => t.keptAnswers.deleteWhere(pool, 'citizen_id = $1', [citizenId]),
      purgeBefore: (before) => t.keptAnswers.deleteWhere(pool, 'created_at < $1', [iso(before)]),
    },
    unanswered: {
      add: async (entry) => {
        await t.unanswered.put(pool, entry);
      },
      list: () => t.unanswered.select(pool),
      deleteForCitizen: (citizenId) => t.unanswered.deleteWhere(pool, 'citizen_id = $1', [citizenId]),
      purgeBefore: (before) => t.unanswered.deleteWhere(pool, 'at < $1', [iso(before)]),
    },
    stats: {
      add: addStats,
      between: (fromWeek, toWeek, communes) =>
        t.stats.select(pool, 'week >= $1 AND week <= $2 AND ($3::text[] IS NULL OR commune = ANY($3))', [
          fromWeek,
          toWeek,
          communes === 'all' ? null : [...communes],
        ]),
    },
    handoffs: {
      get: (id) => t.handoffs.get(pool, id),
      save: async (handoff) => {
        await t.handoffs.put(pool, handoff);
      },
      saveIfUnchanged: async (handoff, readRevision) => {
        const result = await pool.query(
          "UPDATE handoffs SET record = $2 WHERE id = $1 AND coalesce((record->>'revision')::int, 0) = $3",
          [storable(handoff.id), toJson(handoff), readRevision],
        );
        return result.rowCount === 1;
      },
      active: () => t.handoffs.select(pool, "status <> 'closed'"),
      pendingFor: async (citizenId) => (await pendingRows(citizenId)).map((row) => t.handoffs.parse(row)),
      list: ({ statuses, communes, limit }) =>
        t.handoffs.select(
          pool,
          'status = ANY($1) AND ($2::text[] IS NULL OR commune = ANY($2))',
          [statuses, communes ? [...communes] : null],
          limited('created_at DESC, seq', limit),
        ),
      forCitizen: (citizenId) => t.handoffs.select(pool, 'citizen_id = $1', [citizenId]),
      deleteForCitizen: (citizenId) => t.handoffs.deleteWhere(pool, 'citizen_id = $1', [citizenId]),
      purgeClosedBefore: (before) => t.handoffs.deleteWhere(pool, "status = 'closed' AND closed_at < $1", [iso(before)]),
    },
    knowledgeDrafts: {
      add: async (draft) => {
        await t.knowledgeDrafts.put(pool, draft);
      },
      list: () => t.knowledgeDrafts.select(pool, 'true', [], 'created_at DESC, seq'),
      delete: async (id) => (await t.knowledgeDrafts.deleteWhere(pool, 'id = $1', [id])) > 0,
    },
    // Every write is committed before its promise resolves: nothing waits in memory.
    flush: async () => undefined,
    // Deleted rows' space is autovacuum's; nothing to rewrite.
    compact: async () => undefined,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
