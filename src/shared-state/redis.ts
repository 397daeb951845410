import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

/** One Redis for the instances of the service, and the prefix of every key and channel this service uses there. */
export interface SharedRedis {
  /** Commands (never put in subscriber mode). */
  client: Redis;
  prefix: string;
  /** A connection of its own for one subscription (a connection that subscribes can run no other command). */
  subscriber(): Redis;
  /** Resolves when Redis answers, rejects otherwise (/health, which bounds the wait). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long a command waits for a lost connection to come back before it fails (a request gets a 5xx, not a hang). */
const COMMAND_RETRIES = 2;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects before the service takes traffic: a wrong REDIS_URL stops the start with a clear line instead of failing
 * each request. Later losses of the connection are retried by ioredis; commands during them fail after a few retries.
 */
export async function connectRedis(url: string, prefix: string, log: FastifyBaseLogger): Promise<SharedRedis> {
  // Auto-pipelining: the commands of concurrent requests issued in one tick of the event loop go to Redis in one
  // write and come back in one read (the session read and write of each chat turn, under load), instead of a system
  // call each way per command.
  const options = { lazyConnect: true, maxRetriesPerRequest: COMMAND_RETRIES, connectTimeout: CONNECT_TIMEOUT_MS, enableAutoPipelining: true };
  const client = new Redis(url, options);
  const subscribers: Redis[] = [];
  let lastError = '';
  client.on('error', (error: Error) => {
    // ioredis emits one error per failed reconnect: log each new one once.
    if (error.message !== lastError) log.error({ err: { name: error.name, message: error.message } }, 'Redis connection error');
    lastError = error.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach Redis at REDIS_URL (${(error as Error).message})`);
  }
  return {
    client,
    prefix,
    subscriber() {
      // Subscriber mode runs no pipelines.
      const connection = client.duplicate({ enableAutoPipelining: false });
      connection.on('error', (error: Error) => log.warn({ err: { name: error.name, message: error.message } }, 'Redis subscriber connection error'));
      subscribers.push(connection);
      return connection;
    },
    async ping() {
      const answer = await client.ping();
      if (answer !== 'PONG') throw new Error(`Redis answered ${answer}`);
    },
    async close() {
      await Promise.all([client, ...subscribers].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
