import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { citizenKey } from '../../citizens/identity.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { ConversationEngine } from '../../engine/engine.js';
import { AddressBudget, type RequestBudget } from '../../http/address-budget.js';
import { registerChatRoute } from './chat-route.js';
import { registerChatSocket } from './chat-socket.js';
import { createOriginPolicy } from './origin-policy.js';
import { sessionIdSchema } from './protocol.js';
import type { WebPushHub } from './push-hub.js';
import { ReplyCache } from './reply-cache.js';
import type { WidgetSessionIds } from './session-ids.js';
import { MAX_FRAME_LENGTH } from './wire.js';

export interface WebChannelOptions {
  engine: ConversationEngine;
  clock: Clock;
  /** Live push to open widgets; created by the caller so announcement code can hold it too. */
  webPush: WebPushHub;
  /** Issues and checks widget session ids (signed by the server). */
  sessionIds: WidgetSessionIds;
  config: Pick<Config, 'ALLOWED_ORIGINS' | 'PUBLIC_BASE_URL' | 'RATE_LIMIT_PER_MINUTE' | 'WIDGET_SOCKETS_PER_ADDRESS'>;
  /** The per-address budget of frames and messages; in memory (this instance) unless given (shared by instances). */
  budget?: (perMinute: number) => RequestBudget;
  /** Run as well when a citizen clears the conversation (other modules' data about the widget session). */
  onClear?: ((sessionId: string) => unknown)[];
  /** Other routes the widget calls from the portal's pages (announcement feed, communes): CORS applies to them too. */
  crossOriginRoutes?: ((scope: FastifyInstance) => void)[];
}

/** Dead sockets (a phone that lost its network) are noticed by a missing pong and closed. */
const HEARTBEAT_MS = 30_000;

/**
 * The web channel: the widget socket /ws/chat, its REST twin POST /api/chat, and DELETE
 * /api/chat/sessions/:sessionId (clearing a conversation when the widget is on its HTTP fallback). These and
 * `crossOriginRoutes` are called from the portal's pages, another origin: they get a scope of their own with CORS
 * for ALLOWED_ORIGINS; no other route answers another origin's browser (nor pays for the CORS hooks).
 */
export async function registerWebChannel(app: FastifyInstance, options: WebChannelOptions): Promise<void> {
  await app.register(async (widgetApi) => {
    await widgetApi.register(cors, { origin: options.config.ALLOWED_ORIGINS, methods: ['GET', 'HEAD', 'POST', 'DELETE'] });
    await registerWidgetRoutes(widgetApi, options);
    for (const register of options.crossOriginRoutes ?? []) register(widgetApi);
  });
}

async function registerWidgetRoutes(app: FastifyInstance, options: WebChannelOptions): Promise<void> {
  const { engine, clock, webPush, sessionIds, config, onClear = [] } = options;

  const replies = new ReplyCache();
  // One budget per client address for every socket it opens and its POST /api/chat.
  const budget = options.budget?.(config.RATE_LIMIT_PER_MINUTE) ?? new AddressBudget(config.RATE_LIMIT_PER_MINUTE, clock);
  const clearConversation = async (sessionId: string) => {
    await engine.sessions.delete(citizenKey('web', sessionId));
    replies.forget(sessionId);
    for (const hook of onClear) await hook(sessionId);
  };

  // The WebSocket plugin adds hooks to every route registered beside it: it gets a scope of its own, the socket's.
  await app.register(async (socketScope) => {
    // Frames are measured in characters by the protocol; a UTF-8 character takes at most 4 bytes.
    await socketScope.register(websocket, { options: { maxPayload: 4 * MAX_FRAME_LENGTH } });
    startHeartbeat(socketScope);
    registerChatSocket(socketScope, {
      engine,
      webPush,
      replies,
      clearConversation,
      sessionIds,
      budget,
      maxSocketsPerAddress: config.WIDGET_SOCKETS_PER_ADDRESS,
      isOriginAllowed: createOriginPolicy(config.ALLOWED_ORIGINS, config.PUBLIC_BASE_URL),
    });
  });

  registerChatRoute(app, { engine, replies, budget, sessionIds });

  app.withTypeProvider<ZodTypeProvider>().delete(
    '/api/chat/sessions/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Clear a widget conversation (forget its session on the server)',
        params: z.object({ sessionId: sessionIdSchema }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      // Only a conversation the server issued exists to be cleared.
      if (sessionIds.isIssued(request.params.sessionId)) await clearConversation(request.params.sessionId);
      return reply.code(204).send(null);
    },
  );
}

function startHeartbeat(app: FastifyInstance): void {
  const alive = new WeakSet<object>();
  app.websocketServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of app.websocketServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
