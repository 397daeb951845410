import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { TEST_POOL_SIZE, testServiceEnv } from './storage.js';

/** The built service (dist/main.js, from `npm run build`) in its own process, as `npm start` runs it. */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The test run's environment without the variables that pick the test servers: a child given these as they are would
 * work in the database's public schema and under Redis's default key prefix, shared with every other test.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, REDIS_URL: _redis, REDIS_KEY_PREFIX: _prefix, ...rest } = process.env;
  return rest;
}

/**
 * The environment of a service process a test starts: the run's (inheritedEnv), a production-like base, the test
 * servers for its DATA_DIR as an app in the tests gets them (testServiceEnv: a schema and a Redis key prefix of its
 * own), then `env`, which wins.
 */
export async function serviceEnv(env: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  return {
    ...inheritedEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '0',
    // Also for a test that names its own database (two instances, each with a job queue beside its storage).
    DATABASE_POOL_SIZE: String(TEST_POOL_SIZE),
    // On PostgreSQL an interrupted delivery is decided once its lease has run out (another instance may still be
    // sending it): seconds here, so a test restarting after a SIGKILL waits for it within its deadline.
    DELIVERY_LEASE_SECONDS: '10',
    ...(env.DATA_DIR ? await testServiceEnv(env.DATA_DIR) : {}),
    ...env,
  };
}

/** Spawns dist/main.js as `npm start` runs it, with `env` on top (serviceEnv); stdout and stderr are collected. */
export async function spawnService(env: Record<string, string>): Promise<Omit<ServiceProcess, 'url'>> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
    env: await serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  return { child, stderr: () => stderr, stdout: () => stdout };
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const { child, stderr, stdout } = await spawnService({ PORT: String(port), ...env });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a busy 2-core machine a start (with migrations) can take tens of seconds.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}): ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`service did not become ready: ${stderr()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url, child, stderr, stdout };
}

export async function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}
