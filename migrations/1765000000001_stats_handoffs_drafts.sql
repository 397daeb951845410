-- Up Migration

-- Programme statistics: one counter per ISO week × commune × measure × key (no personal data). `add` sums into the
-- record's count (and seconds) in one statement, so two instances counting at once lose nothing.
CREATE TABLE stats (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  week text GENERATED ALWAYS AS (record->>'week') STORED,
  commune text GENERATED ALWAYS AS (record->>'commune') STORED
);
CREATE INDEX stats_week_commune ON stats (week, commune);

-- Conversations handed to commune staff, with their transcript (personal data: deleted with the citizen).
CREATE TABLE handoffs (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  status text GENERATED ALWAYS AS (record->>'status') STORED,
  commune text GENERATED ALWAYS AS (record->>'commune') STORED,
  citizen_id text GENERATED ALWAYS AS (record->>'citizenId') STORED,
  created_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'createdAt')) STORED,
  closed_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'closedAt')) STORED
);
CREATE INDEX handoffs_status_created_at ON handoffs (status, created_at DESC);
CREATE INDEX handoffs_citizen_id ON handoffs (citizen_id);
CREATE INDEX handoffs_closed_at ON handoffs (closed_at) WHERE status = 'closed';

-- Officers' replies an admin turned into drafts of knowledge entries (no citizen data is copied into them).
CREATE TABLE knowledge_drafts (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record jsonb NOT NULL,
  created_at timestamptz GENERATED ALWAYS AS (iso_time(record->>'createdAt')) STORED
);

-- Down Migration

DROP TABLE knowledge_drafts, handoffs, stats;
