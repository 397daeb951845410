import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { Broadcast } from './broadcast.js';

/** How long a lost listening connection waits before it connects again. */
const RECONNECT_MS = 1_000;
/** PostgreSQL refuses a NOTIFY payload of this many bytes or more. */
const NOTIFY_LIMIT_BYTES = 8_000;
/** Starts a notification that names a row of `long_broadcasts` (a message that itself starts so is stored too). */
const BY_ID = '@long_broadcasts:';
/** Kept well past the moment every listening instance reads it; deleted when a later one is written. */
const KEEP_LONG = "interval '10 minutes'";
/** Stores the message and notifies its id in one statement: the notification goes out when the row is committed. */
const STORE_AND_NOTIFY = `
WITH stored AS (INSERT INTO long_broadcasts (message) VALUES ($2) RETURNING id),
     expired AS (DELETE FROM long_broadcasts WHERE created_at < now() - ${KEEP_LONG})
SELECT pg_notify($1, '${BY_ID}' || id) FROM stored`;

/**
 * Broadcasts through PostgreSQL LISTEN/NOTIFY, for instances that share a database but no Redis: one connection per
 * instance listens on every channel and sends the notifications too (a listening session may run other commands).
 * Channels are named after the schema of DATABASE_URL (channels are database-wide, schemas are not), so two
 * deployments on one database never hear each other. As with Redis pub/sub nothing is kept: a message sent while the
 * connection is being re-made is missed. A notification carries less than 8,000 bytes: a longer message (a long
 * announcement) is written to `long_broadcasts` and the notification carries its id, which each instance reads back,
 * so every message is delivered whatever its length, in the order sent.
 */
export class PostgresBroadcasts {
  readonly #url: string;
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #prefix: string;
  readonly #listeners = new Map<string, (message: string) => void>();
  #listening: Promise<pg.Client> | null = null;
  /** Notifications are handed on one after the other, a long one once read back. */
  #received: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(url: string, log: Pick<FastifyBaseLogger, 'warn'>) {
    this.#url = url;
    this.#log = log;
    this.#prefix = `${schemaOf(url)}:`;
  }

  channel(name: string): Broadcast {
    const channel = `${this.#prefix}${name}`;
    return {
      publish: async (message) => {
        if (this.#closed) return;
        try {
          const connection = await this.#connection();
          if (Buffer.byteLength(message) < NOTIFY_LIMIT_BYTES && !message.startsWith(BY_ID)) {
            await connection.query('SELECT pg_notify($1, $2)', [channel, message]);
          } else {
            await connection.query(STORE_AND_NOTIFY, [channel, message]);
          }
        } catch (error) {
          this.#warn(error as Error, 'broadcast not relayed (PostgreSQL)', channel);
        }
      },
      listen: async (deliver) => {
        this.#listeners.set(channel, deliver);
        const client = await this.#connection();
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = await this.#listening?.catch(() => null);
    await client?.end().catch(() => undefined);
  }

  #connection(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error('PostgreSQL broadcasts closed'));
    this.#listening ??= this.#connect();
    return this.#listening;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (n) => this.#receive(client, n.channel, n.payload ?? ''));
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.#retryLater(error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      for (const channel of this.#listeners.keys()) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      lost = true;
      this.#listening = null;
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** Hands a notification to its channel's listener, after those before it; one naming a stored message, once read. */
  #receive(client: pg.Client, channel: string, payload: string): void {
    const deliver = this.#listeners.get(channel);
    if (!deliver) return;
    const read = payload.startsWith(BY_ID)
      ? client.query<{ message: string }>('SELECT message FROM long_broadcasts WHERE id = $1', [payload.slice(BY_ID.length)]).then(
          ({ rows }) => rows[0]?.message,
          (error: Error) => this.#warn(error, 'long broadcast not read (PostgreSQL)', channel),
        )
      : payload;
    this.#received = this.#received
      .then(async () => {
        const message = await read;
        if (message !== undefined) deliver(message);
      })
      .catch((error: Error) => this.#warn(error, 'broadcast not handled', channel));
  }

  /** The listening connection was lost: a new one, with every channel listened to again, a moment later. */
  #retryLater(error?: Error): void {
    if (this.#closed) return;
    if (error) this.#warn(error, 'PostgreSQL listening connection lost; connecting again');
    this.#listening = null;
    setTimeout(() => {
      if (!this.#closed) this.#connection().catch((e: Error) => this.#retryLater(e));
    }, RECONNECT_MS).unref();
  }

  #warn(error: Error, msg: string, channel?: string): void {
    this.#log.warn({ err: { name: error.name, message: error.message }, channel }, msg);
  }
}

/** The schema DATABASE_URL works in (libpq's `options=-c search_path=…`), else `public`. */
export function schemaOf(databaseUrl: string): string {
  const options = new URL(databaseUrl).searchParams.get('options') ?? '';
  return /search_path=([A-Za-z_][\w$]*)/.exec(options)?.[1] ?? 'public';
}
