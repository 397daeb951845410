import type { WebSocket } from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ConversationEngine } from '../../engine/engine.js';
import type { RequestBudget } from '../../http/address-budget.js';
import { sendError } from '../../http/errors.js';
import { type FrameError, frameErrors, parseClientFrame } from './protocol.js';
import type { WebPushHub } from './push-hub.js';
import { repliesJson } from './replies-json.js';
import type { ReplyCache } from './reply-cache.js';
import type { WidgetSessionIds } from './session-ids.js';
import { type ClientFrame, PROTOCOL_VERSION, type ServerFrame } from './wire.js';

export interface ChatSocketDeps {
  engine: ConversationEngine;
  webPush: WebPushHub;
  replies: ReplyCache;
  clearConversation(sessionId: string): Promise<void>;
  sessionIds: WidgetSessionIds;
  /** Frames per minute per client address, shared by all its sockets and its POST /api/chat. */
  budget: RequestBudget;
  /** Open sockets per client address (0 = no cap). */
  maxSocketsPerAddress: number;
  isOriginAllowed(origin: string | undefined, requestHost: string): boolean;
}

/** Close code for a client speaking a protocol version this server does not know (4000–4999: application). */
const CLOSE_UNSUPPORTED_VERSION = 4001;

/** Close code for a socket over the per-address cap. */
const CLOSE_TOO_MANY_SOCKETS = 4008;

/** GET /ws/chat: the widget's socket (protocol in wire.ts and docs/widget-protocol.md). */
export function registerChatSocket(app: FastifyInstance, deps: ChatSocketDeps): void {
  const open = new Map<string, number>();
  const overCap = (address: string) => deps.maxSocketsPerAddress > 0 && (open.get(address) ?? 0) >= deps.maxSocketsPerAddress;
  app.get(
    '/ws/chat',
    {
      websocket: true,
      schema: { tags: ['chat'], summary: 'Widget WebSocket (JSON protocol v1, see docs/widget-protocol.md)' },
      preValidation: async (request, reply) => {
        if (!deps.isOriginAllowed(request.headers.origin, request.host)) {
          request.log.warn({ origin: request.headers.origin }, 'widget socket refused: origin not allowed');
          return sendError(reply, 'origin_not_allowed');
        }
        if (overCap(request.ip)) return sendError(reply, 'too_many_connections');
      },
    },
    (socket, request) => {
      const address = request.ip;
      // Checked again on the open socket: upgrades that passed the check together must not all stay.
      if (overCap(address)) {
        socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many sockets from this address');
        return;
      }
      open.set(address, (open.get(address) ?? 0) + 1);
      const connection = new ChatConnection(socket, request.log, deps, address);
      // Binary frames are decoded like text ones: whatever they hold, it is checked as a JSON frame.
      socket.on('message', (data) => void connection.receive(data.toString()));
      socket.on('close', () => {
        connection.close();
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    },
  );
}

/** One open widget: its session and its commune subscription; its frames count against its address's budget. */
class ChatConnection {
  #sessionId: string | null = null;
  #leaveHub: (() => void) | null = null;
  #leaveSession: (() => void) | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly log: FastifyBaseLogger,
    private readonly deps: ChatSocketDeps,
    private readonly address: string,
  ) {}

  /** Handles one frame. Never throws. */
  async receive(raw: string): Promise<void> {
    const parsed = parseClientFrame(raw);
    if (!(await this.deps.budget.allow(this.address))) {
      const id = 'frame' in parsed ? (parsed.frame.type === 'message' ? parsed.frame.id : undefined) : parsed.error.id;
      return this.#error({ code: 'rate_limited', message: frameErrors.rateLimited, id });
    }
    if ('error' in parsed) return this.#error(parsed.error);
    const { frame } = parsed;
    switch (frame.type) {
      case 'hello':
        return this.#hello(frame);
      case 'message':
        return this.#message(frame);
      case 'clear':
        return this.#clear();
    }
  }

  close(): void {
    this.#leaveHub?.();
    this.#leaveHub = null;
    this.#leaveSession?.();
    this.#leaveSession = null;
  }

  #hello(frame: Extract<ClientFrame, { type: 'hello' }>): void {
    if (frame.v !== PROTOCOL_VERSION) {
      this.#error({ code: 'unsupported_version', message: frameErrors.unsupportedVersion });
      this.socket.close(CLOSE_UNSUPPORTED_VERSION, 'unsupported protocol version');
      return;
    }
    // An id this server did not issue starts a new conversation.
    this.#sessionId = this.deps.sessionIds.resolve(frame.sessionId);
    this.#leaveHub?.();
    this.#leaveHub = this.deps.webPush.subscribe(frame.commune ?? null, (data) => this.#sendRaw(data));
    this.#leaveSession?.();
    this.#leaveSession = this.deps.webPush.join(this.#sessionId, (data) => this.#sendRaw(data));
    this.#send({ type: 'welcome', v: PROTOCOL_VERSION, sessionId: this.#sessionId });
  }

  async #message(frame: Extract<ClientFrame, { type: 'message' }>): Promise<void> {
    const sessionId = this.#sessionId;
    if (!sessionId) return this.#error({ code: 'hello_required', message: frameErrors.helloRequired, id: frame.id });
    try {
      const replies = await this.deps.replies.run(sessionId, frame.id, () =>
        this.deps.engine.handle({ channel: 'web', userId: sessionId, text: frame.text, payload: frame.payload }),
      );
      this.#sendRaw(`{"type":"reply","id":${JSON.stringify(frame.id)},"replies":${repliesJson(replies)}}`);
    } catch (error) {
      this.log.error({ err: error, sessionId, messageId: frame.id }, 'widget turn failed');
      this.#error({ code: 'internal', message: frameErrors.internal, id: frame.id });
    }
  }

  async #clear(): Promise<void> {
    const sessionId = this.#sessionId;
    if (!sessionId) return this.#error({ code: 'hello_required', message: frameErrors.helloRequired });
    try {
      await this.deps.clearConversation(sessionId);
      this.#send({ type: 'cleared' });
    } catch (error) {
      this.log.error({ err: error, sessionId }, 'widget clear failed');
      this.#error({ code: 'internal', message: frameErrors.internal });
    }
  }

  #error(error: FrameError): void {
    this.#send({ type: 'error', ...error });
  }

  #send(frame: ServerFrame): void {
    this.#sendRaw(JSON.stringify(frame));
  }

  #sendRaw(data: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data);
  }
}
