import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import type { Reply } from '../../../src/engine/types.js';
import type { Storage } from '../../../src/storage/repositories.js';
import { openTestStorage, testServiceEnv } from '../../support/storage.js';

/** The whole service (buildApp) with a movable clock and a temporary data directory, spoken to over /api/chat. */
export interface ChatService {
  app: FastifyInstance;
  clock: ManualClock;
  storage: Storage;
  conversation(sessionId: string): Conversation;
  close(): Promise<void>;
}

export interface Conversation {
  sessionId: string;
  /** Types a message; returns the replies of that turn. */
  say(text: string): Promise<Reply[]>;
  /** Taps a quick reply of the last turn by its title. */
  tap(title: string): Promise<Reply[]>;
  /** Sends a payload as a tapped button would. */
  press(payload: string): Promise<Reply[]>;
  last: Reply[];
}

export async function startChatService(now = '2026-11-28T03:00:00Z'): Promise<ChatService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'screening-chat-'));
  const clock = new ManualClock(now);
  const storage = await openTestStorage(dataDir);
  const app = await buildApp(
    loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }),
    { clock, storage },
  );
  await app.ready();

  const conversation = (sessionId: string): Conversation => {
    const send = async (body: { text?: string; payload?: string }) => {
      const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: c.sessionId, ...body } });
      if (res.statusCode !== 200) throw new Error(`/api/chat answered ${res.statusCode}: ${res.body}`);
      // The name was a client-chosen id, which the server replaces: keep the one it issued.
      c.sessionId = res.json().sessionId;
      c.last = res.json().replies as Reply[];
      // Zalo's limit holds for every reply of every turn.
      const long = c.last.find((r) => r.text.length > 2000);
      if (long) throw new Error(`A reply is ${long.text.length} characters long: ${long.text.slice(0, 80)}…`);
      return c.last;
    };
    const c: Conversation = {
      sessionId,
      last: [],
      say: (text) => send({ text }),
      press: (payload) => send({ payload }),
      tap: (title) => {
        const button = c.last.flatMap((r) => r.quickReplies ?? []).find((q) => q.title === title);
        if (!button) throw new Error(`No button "${title}" in: ${JSON.stringify(c.last)}`);
        return send({ payload: button.payload });
      },
    };
    return c;
  };

  return {
    app,
    clock,
    storage,
    conversation,
    close: async () => {
      await app.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n\n');
export const buttons = (replies: Reply[]) => (replies.at(-1)?.quickReplies ?? []).map((q) => q.title);
