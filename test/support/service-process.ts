import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

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

/** Spawns dist/main.js as `npm start` runs it, with `env` on top; stdout and stderr are collected. */
export function spawnService(env: Record<string, string>): Omit<ServiceProcess, 'url'> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
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
  const { child, stderr, stdout } = spawnService({ PORT: String(port), ...env });
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
