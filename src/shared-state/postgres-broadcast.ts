import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import type { Broadcast } from './broadcast.js';

/** How long a lost listening connection waits before it connects again. */
const RECONNECT_MS = 1_000;

/**
 * Broadcasts through PostgreSQL LISTEN/NOTIFY, for instances that share a database but no Redis: one connection per
 * instance listens on every channel and sends the notifications too (a listening session may run other commands).
 * Channels are named after the schema of DATABASE_URL (channels are database-wide, schemas are not), so two
 * deployments on one database never hear each other. As with Redis pub/sub nothing is kept: a message sent while the connection is being re-made is
 * missed. A notification carries at most 8,000 bytes; a longer one is refused and logged.
 */
export class PostgresBroadcasts {
  readonly #url: string;
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #prefix: string;
  readonly #listeners = new Map<string, (message: string) => void>();
  #listening: Promise<pg.Client> | null = null;
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
          await (await this.#connection()).query('SELECT pg_notify($1, $2)', [channel, message]);
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
    client.on('notification', (n) => this.#listeners.get(n.channel)?.(n.payload ?? ''));
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
