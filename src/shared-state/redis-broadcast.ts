import type { FastifyBaseLogger } from 'fastify';
import type { Broadcast } from './broadcast.js';
import type { SharedRedis } from './redis.js';

/**
 * A broadcast through Redis pub/sub: every instance publishes to one channel and hears what any instance publishes,
 * itself included. Pub/sub keeps nothing: an instance that is not connected at that moment misses the message (a
 * widget then reads the announcement from the feed; a console reloads its inbox when its stream reconnects).
 */
export class RedisBroadcast implements Broadcast {
  readonly #redis: SharedRedis;
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #channel: string;

  constructor(redis: SharedRedis, log: Pick<FastifyBaseLogger, 'warn'>, name: string) {
    this.#redis = redis;
    this.#log = log;
    this.#channel = `${redis.prefix}${name}`;
  }

  async publish(message: string): Promise<void> {
    try {
      await this.#redis.client.publish(this.#channel, message);
    } catch (error) {
      this.#log.warn({ err: { name: (error as Error).name, message: (error as Error).message }, channel: this.#channel }, 'broadcast not relayed (Redis)');
    }
  }

  async listen(deliver: (message: string) => void): Promise<void> {
    const subscriber = this.#redis.subscriber();
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) deliver(message);
    });
    await subscriber.subscribe(this.#channel);
  }
}
