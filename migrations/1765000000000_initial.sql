-- Up Migration

-- One table per collection. Each row keeps the record exactly as the service wrote it (`record`, validated with the
-- collection's zod schema when read back); the fields the service queries by are generated columns derived from it,
-- so they can never disagree with the record, and are indexed. `seq` keeps the order records were first written
-- (the order the embedded adapter returns them in: the delivery queue is first in, first out).

-- Records carry ISO 8601 times with an explicit offset (zod: z.iso.datetime({ offset: true })), so reading them does
-- not depend on the session's TimeZone: immutable in fact, as generated columns and indexes require.
CREATE FUNCTION iso_time(value text) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT value::timestamptz $$;

CREATE TABLE sessions (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  last_active_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'lastActiveAt')) STORED
);
CREATE INDEX sessions_last_active_at ON sessions (last_active_at);

CREATE TABLE citizens (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  commune text GENERATED ALWAYS AS (record->>'commune') STORED,
  subscribed boolean GENERATED ALWAYS AS ((record->>'subscribed')::boolean) STORED,
  last_interaction_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'lastInteractionAt')) STORED
);
CREATE INDEX citizens_commune ON citizens (commune, seq);
CREATE INDEX citizens_subscribed_commune ON citizens (commune, seq) WHERE subscribed;
CREATE INDEX citizens_last_interaction_at ON citizens (last_interaction_at);

CREATE TABLE journal (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  state text GENERATED ALWAYS AS (record->>'state') STORED,
  citizen_id text GENERATED ALWAYS AS (record->>'citizenId') STORED,
  received_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'receivedAt')) STORED
);
CREATE INDEX journal_unfinished ON journal (seq) WHERE state <> 'done';
CREATE INDEX journal_citizen_id ON journal (citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX journal_done_received_at ON journal (received_at) WHERE state = 'done';

CREATE TABLE announcements (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  status text GENERATED ALWAYS AS (record->>'status') STORED,
  created_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'createdAt')) STORED,
  scheduled_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'scheduledAt')) STORED
);
CREATE INDEX announcements_created_at ON announcements (created_at DESC, seq);
CREATE INDEX announcements_due ON announcements (scheduled_at) WHERE status = 'scheduled';
-- "all" or an array of commune slugs: `?|` finds those addressed to any of a list.
CREATE INDEX announcements_communes ON announcements USING gin ((record->'communes'));

CREATE TABLE deliveries (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  announcement_id text GENERATED ALWAYS AS (record->>'announcementId') STORED,
  citizen_id text GENERATED ALWAYS AS (record->>'citizenId') STORED,
  state text GENERATED ALWAYS AS (record->>'state') STORED,
  updated_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'updatedAt')) STORED
);
CREATE INDEX deliveries_announcement ON deliveries (announcement_id, seq);
CREATE INDEX deliveries_state ON deliveries (state, seq);
CREATE INDEX deliveries_citizen ON deliveries (citizen_id);
CREATE INDEX deliveries_finished_updated_at ON deliveries (updated_at) WHERE state IN ('sent', 'failed', 'skipped');

CREATE TABLE staff (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL
);

CREATE TABLE staff_sessions (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  username text GENERATED ALWAYS AS (record->>'username') STORED,
  expires_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'expiresAt')) STORED
);
CREATE INDEX staff_sessions_username ON staff_sessions (username);
CREATE INDEX staff_sessions_expires_at ON staff_sessions (expires_at);

CREATE TABLE audit (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  at timestamptz GENERATED ALWAYS AS (iso_time(record->>'at')) STORED
);
CREATE INDEX audit_at ON audit (at DESC, seq);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL
);

CREATE TABLE kept_answers (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  citizen_id text GENERATED ALWAYS AS (record->>'citizenId') STORED,
  created_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'createdAt')) STORED
);
CREATE INDEX kept_answers_citizen_id ON kept_answers (citizen_id);
CREATE INDEX kept_answers_created_at ON kept_answers (created_at);

CREATE TABLE unanswered (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  citizen_id text GENERATED ALWAYS AS (record->>'citizenId') STORED,
  at timestamptz GENERATED ALWAYS AS (iso_time(record->>'at')) STORED
);
CREATE INDEX unanswered_citizen_id ON unanswered (citizen_id);
CREATE INDEX unanswered_at ON unanswered (at);

-- Down Migration

DROP TABLE unanswered, kept_answers, tokens, audit, staff_sessions, staff, deliveries, announcements, journal, citizens,
  sessions;
DROP FUNCTION iso_time(text);
