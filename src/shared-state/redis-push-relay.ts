import type { FastifyBaseLogger } from 'fastify';
import type { PushRelay } from '../channels/web/push-hub.js';
import type { SharedRedis } from './redis.js';

/**
 * Widget pushes through Redis pub/sub: every instance publishes to one channel and delivers what it hears to the
 * sockets it holds. Pub/sub keeps nothing: an instance that is not connected at that moment misses the push, and its
 * widgets read the announcement from the feed (as a widget that is closed does).
 */
export class RedisPushRelay implements PushRelay {
  readonly #redis: SharedRedis;
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #channel: string;

  constructor(redis: SharedRedis, log: Pick<FastifyBaseLogger, 'warn'>) {
    this.#redis = redis;
    this.#log = log;
    this.#channel = `${redis.prefix}widget-push`;
  }

  async publish(message: string): Promise<void> {
    try {
      await this.#redis.client.publish(this.#channel, message);
    } catch (error) {
      this.#log.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'widget push not relayed (Redis)');
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
