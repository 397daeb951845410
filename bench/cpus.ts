import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * On a machine with two or more cores the servers under test run on the last core and the load generator (this
 * process) on the others, so the two never take turns on one core — the largest source of noise in the first
 * runs. Without `taskset` (util-linux) or with one core, nothing is pinned and the table says so.
 */
const cores = availableParallelism();
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const pinning = cores >= 2 && hasTaskset ? { serverCore: cores - 1, loadCores: `0-${cores - 2}` } : null;

/** Moves this process (the load generator) off the server's core. */
export function pinLoadGenerator(): void {
  if (pinning) execFileSync('taskset', ['-a', '-p', '-c', pinning.loadCores, String(process.pid)], { stdio: 'ignore' });
}

/** The command and arguments that run `args` (a node command line) on the server core. */
export function onServerCore(args: string[]): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(pinning.serverCore), process.execPath, ...args]] : [process.execPath, args];
}

export const pinningNote = pinning
  ? `servers on core ${pinning.serverCore}, load generator on core(s) ${pinning.loadCores}`
  : 'not pinned (no taskset or one core): server and load generator share the cores';
