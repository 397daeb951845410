import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { dropSchemas } from './postgres.js';
import { TEST_REDIS_URL } from './redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaPrefix: string;
  }
}

/**
 * Once per run: a PostgreSQL schema prefix of the run's own (the tests' schemas start with it, and with REDIS_URL set
 * their apps' Redis keys start with `test:` and it), and at the end every schema and key that starts with it is
 * dropped, those of files that failed before their own clean-up included.
 */
export default function setup(project: TestProject) {
  const prefix = `t_run_${randomBytes(4).toString('hex')}_`;
  project.provide('schemaPrefix', prefix);
  return async () => {
    await dropSchemas(prefix);
    if (process.env.REDIS_URL) await dropRedisKeys(`test:${prefix}`);
  };
}

async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
