import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import WebSocket from 'ws';
import { webCapabilities } from '../../../src/channels/web/capabilities.js';
import { WebPushHub } from '../../../src/channels/web/push-hub.js';
import { WidgetSessionIds } from '../../../src/channels/web/session-ids.js';
import { registerWebChannel } from '../../../src/channels/web/web-channel.js';
import type { ServerFrame } from '../../../src/channels/web/wire.js';
import { zaloCapabilities } from '../../../src/channels/zalo/capabilities.js';
import { ManualClock } from '../../../src/clock.js';
import { ConversationEngine } from '../../../src/engine/engine.js';
import { SessionStore } from '../../../src/engine/session-store.js';
import type { Skill } from '../../../src/engine/types.js';
import { registerErrorHandling } from '../../../src/http/errors.js';
import type { Parser } from '../../../src/nlu/types.js';
import { openTestStorage } from '../../support/storage.js';

/** The ids the harness's server issues and accepts (one secret for every harness). */
export const SESSION_IDS = new WidgetSessionIds(Buffer.alloc(32, 7));
const named = new Map<string, string>();
/** An id the harness's server issued, the same for the same name within a test file. */
export function sessionId(name: string): string {
  if (!named.has(name)) named.set(name, SESSION_IDS.issue());
  return named.get(name)!;
}

/** Every text is "echo": enough routing for transport tests; the engine itself is the real one. */
const parser: Parser = {
  parse: (text) => ({ text, intent: { name: 'echo', confidence: 1 }, ranking: [], entities: [] }),
};

export interface Harness {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  base: string;
  socketUrl: string;
  clock: ManualClock;
  engine: ConversationEngine;
  webPush: WebPushHub;
  /** Texts the echo skill has been asked, in order (how many turns the engine really ran). */
  turns: string[];
  cleared: string[];
  close(): Promise<void>;
}

/**
 * The web channel on a real port, in front of a real ConversationEngine with two tiny skills: "echo" (answers
 * "Bạn nói: …", slowly enough to overlap a duplicate) and the menu/fallback the engine requires.
 */
export async function startWebChannel(
  options: { rateLimitPerMinute?: number; socketsPerAddress?: number; allowedOrigins?: string[] } = {},
): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'web-channel-'));
  const storage = await openTestStorage(dataDir);
  const clock = new ManualClock();
  const turns: string[] = [];
  const cleared: string[] = [];
  const echo: Skill = {
    name: 'echo',
    intents: ['echo'],
    handleIntent: async (ctx) => {
      turns.push(ctx.text);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { replies: [{ text: `Bạn nói: ${ctx.text}` }] };
    },
  };
  const menu: Skill = {
    name: 'menu',
    intents: ['help', 'fallback'],
    handleIntent: () => ({ replies: [{ text: 'Chọn chủ đề', quickReplies: [{ title: 'Hỏi', payload: 'intent:echo' }] }] }),
  };
  const sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: 30 });
  const engine = new ConversationEngine({
    parser,
    skills: [echo, menu],
    sessions,
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });

  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const webPush = new WebPushHub();
  await registerWebChannel(app, {
    engine,
    clock,
    webPush,
    sessionIds: SESSION_IDS,
    config: {
      ALLOWED_ORIGINS: options.allowedOrigins ?? ['https://portal.example.gov.vn'],
      PUBLIC_BASE_URL: 'https://chatbot.example.gov.vn',
      RATE_LIMIT_PER_MINUTE: options.rateLimitPerMinute ?? 0,
      WIDGET_SOCKETS_PER_ADDRESS: options.socketsPerAddress ?? 0,
    },
    onClear: [(sessionId) => void cleared.push(sessionId)],
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    base,
    socketUrl: `${base.replace('http', 'ws')}/ws/chat`,
    clock,
    engine,
    webPush,
    turns,
    cleared,
    close: async () => {
      await app.close();
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test client: frames arrive in a queue that `next()` takes from in order. */
export class Client {
  readonly frames: ServerFrame[] = [];
  readonly #waiters: ((frame: ServerFrame) => void)[] = [];
  readonly closed: Promise<{ code: number }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve({ code })));
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, origin?: string): Promise<Client> {
    const socket = new WebSocket(url, origin ? { origin } : {});
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next(): Promise<ServerFrame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends hello and returns the welcome. */
  async hello(fields: { sessionId?: string; commune?: string } = {}): Promise<ServerFrame> {
    this.send({ type: 'hello', v: 1, ...fields });
    return this.next();
  }

  close(): void {
    this.socket.close();
  }
}
