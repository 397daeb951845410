import type { RequestBudget } from '../http/address-budget.js';
import type { SharedRedis } from './redis.js';

/** INCR with the window's expiry set by the first unit: one round trip, atomic across instances. */
const COUNT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

const MINUTE_MS = 60_000;

/**
 * The per-address budget of the web channel counted in Redis: every instance draws on one count per address and
 * minute (the window starts with the address's first unit, as AddressBudget's does). `name` keeps budgets apart.
 */
export class RedisAddressBudget implements RequestBudget {
  readonly #redis: SharedRedis;
  readonly #perMinute: number;
  readonly #name: string;

  constructor(redis: SharedRedis, name: string, perMinute: number) {
    this.#redis = redis;
    this.#name = name;
    this.#perMinute = perMinute;
  }

  async allow(address: string): Promise<boolean> {
    if (this.#perMinute === 0) return true;
    const key = `${this.#redis.prefix}budget:${this.#name}:${address}`;
    const count = Number(await this.#redis.client.eval(COUNT_IN_WINDOW, 1, key, MINUTE_MS));
    return count <= this.#perMinute;
  }
}
