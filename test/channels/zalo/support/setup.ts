import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReply } from '../../../../src/channels/zalo/message-format.js';
import { ManualClock } from '../../../../src/clock.js';
import type { Reply } from '../../../../src/engine/types.js';
import { readStored } from '../../../support/data-files.js';
import { MockZalo, type MockZaloOptions } from '../../../support/mock-zalo/server.js';
import { startZaloService, type ZaloService } from './zalo-service.js';

/** The texts of the Zalo messages the client makes of engine replies. */
export function zaloTexts(replies: Reply[], quickReplyButtons = false): string[] {
  return replies.flatMap((reply) => renderReply(reply, { quickReplyButtons }).map((m) => m.text));
}

export interface ZaloTestBed {
  mock: MockZalo;
  service: ZaloService;
  clock: ManualClock;
  dataDir: string;
  /** Waits until every acknowledged event has been handled. */
  settle(): Promise<void>;
  /** Restarts the service on the same data directory (a clean stop, then a start). */
  restart(env?: Record<string, string>): Promise<ZaloService>;
  /** Records of one collection as written on disk (snapshot and change log). */
  dataFile<T = Record<string, unknown>>(name: string): Promise<T[]>;
  /** The same question through the web channel's /api/chat: what the engine answers, for comparison. */
  webChat(body: { sessionId?: string; text?: string; payload?: string }): Promise<{ sessionId: string; replies: Reply[] }>;
  close(): Promise<void>;
}

/** A mock Zalo and the service wired to each other, sharing one ManualClock, with data in a fresh temp dir. */
export async function startZaloTestBed(
  options: {
    mock?: MockZaloOptions;
    env?: Record<string, string>;
    /** An existing data directory (data left by an earlier run); a fresh temp dir otherwise. */
    dataDir?: string;
  } = {},
): Promise<ZaloTestBed> {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'zalo-test-')));
  const mock = await MockZalo.start({ clock, ...options.mock });
  const start = async (env: Record<string, string> = {}) => {
    const service = await startZaloService({ dataDir, clock, env: { ...mock.env(), ...options.env, ...env } });
    mock.webhookUrl = `${service.url}/webhooks/zalo`;
    return service;
  };
  const bed: ZaloTestBed = {
    mock,
    service: await start(),
    clock,
    dataDir,
    settle: () => bed.service.settle(),
    restart: async (env) => {
      await bed.service.close();
      bed.service = await start(env);
      return bed.service;
    },
    dataFile: async <T>(name: string) => {
      await bed.service.storage.flush();
      return (await readStored(dataDir, name)) as T[];
    },
    webChat: async (body) => {
      const response = await fetch(`${bed.service.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`/api/chat answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { sessionId: string; replies: Reply[] };
    },
    close: async () => {
      await bed.service.close();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return bed;
}
