import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../src/clock.js';
import { MockZalo, type MockZaloOptions } from '../../../support/mock-zalo/server.js';
import { startZaloService, type ZaloService, type ZaloServiceOptions } from './zalo-service.js';

export interface ZaloTestBed {
  mock: MockZalo;
  service: ZaloService;
  clock: ManualClock;
  dataDir: string;
  /** Waits until every acknowledged event has been handled. */
  settle(): Promise<void>;
  /** Restarts the service on the same data directory (a clean stop, then a start). */
  restart(env?: Record<string, string>): Promise<ZaloService>;
  /** Records of one data file as written on disk. */
  dataFile<T = Record<string, unknown>>(name: string): Promise<T[]>;
  close(): Promise<void>;
}

/** A mock Zalo and the service wired to each other, sharing one ManualClock, with data in a fresh temp dir. */
export async function startZaloTestBed(
  options: {
    mock?: MockZaloOptions;
    env?: Record<string, string>;
    /** An existing data directory (data left by an earlier run); a fresh temp dir otherwise. */
    dataDir?: string;
    service?: Partial<Omit<ZaloServiceOptions, 'dataDir' | 'env' | 'clock'>>;
  } = {},
): Promise<ZaloTestBed> {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'zalo-test-')));
  const mock = await MockZalo.start({ clock, ...options.mock });
  const start = async (env: Record<string, string> = {}) => {
    const service = await startZaloService({
      dataDir,
      clock,
      env: { ...mock.env(), ...options.env, ...env },
      ...options.service,
    });
    mock.webhookUrl = `${service.url}/webhooks/zalo`;
    return service;
  };
  const bed: ZaloTestBed = {
    mock,
    service: await start(),
    clock,
    dataDir,
    settle: () => bed.service.channel.idle(),
    restart: async (env) => {
      await bed.service.close();
      bed.service = await start(env);
      return bed.service;
    },
    dataFile: async (name) => {
      await bed.service.storage.flush();
      try {
        return JSON.parse(await readFile(join(dataDir, `${name}.json`), 'utf8')).records;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    close: async () => {
      await bed.service.close();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return bed;
}
