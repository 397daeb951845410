-- Up Migration

-- The Zalo OA's per-minute quota of API calls, counted for every instance when there is no Redis: the table of
-- rate-limiter-flexible's RateLimiterPostgres, with the columns it expects (one row per key, `expire` in epoch ms).
CREATE TABLE zalo_quota (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Broadcasts between instances too long for one NOTIFY (8,000 bytes) when there is no Redis: the notification names
-- the row and each instance reads the message from it. Rows are deleted a few minutes later, when the next one is
-- written.
CREATE TABLE long_broadcasts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE long_broadcasts, zalo_quota;
