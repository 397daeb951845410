import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, serviceEnv } from '../../../support/service-process.js';

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code, or the name of the signal that ended it. */
  exited: Promise<number | string>;
}

/**
 * The real service entry (src/main.ts, run from source so it is always current) in its own process; resolves once
 * /health answers 200.
 */
export async function spawnService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: await serviceEnv({ PORT: String(port), ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not become ready: ${stderr}`);
    }
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { child, url, exited };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
