import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationEngine } from '../../engine/engine.js';
import type { Reply } from '../../engine/types.js';
import type { RequestBudget } from '../../http/address-budget.js';
import { sendError } from '../../http/errors.js';
import { responseWrittenBy } from '../../http/response-writer.js';
import { chatMessageSchema, replySchema, sessionIdSchema, token } from './protocol.js';
import { repliesJson } from './replies-json.js';
import type { ReplyCache } from './reply-cache.js';
import type { WidgetSessionIds } from './session-ids.js';

const chatRequest = chatMessageSchema({
  sessionId: sessionIdSchema.optional(),
  /** Client message id: a retried message with the same id is answered from the first run, not run twice. */
  id: token('id').optional(),
});

/**
 * POST /api/chat: the widget socket's REST twin (its fallback when WebSockets are blocked) and the simplest way to
 * talk to the bot from a script. Shares the socket's reply cache, so a message retried over either is handled once.
 */
export function registerChatRoute(
  app: FastifyInstance,
  deps: { engine: ConversationEngine; replies: ReplyCache; budget: RequestBudget; sessionIds: WidgetSessionIds },
): void {
  const { engine, replies, budget, sessionIds } = deps;
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/chat',
    {
      ...responseWrittenBy(chatResponseJson),
      // Messages share the address's budget with its sockets.
      preHandler: async (request, reply) => {
        if (!(await budget.allow(request.ip))) return sendError(reply, 'rate_limited');
      },
      schema: {
        tags: ['chat'],
        summary: 'Send one message to the bot and get its replies',
        body: chatRequest,
        response: { 200: z.object({ sessionId: z.string(), replies: z.array(replySchema) }) },
      },
    },
    async (request) => {
      const { id, text, payload } = request.body;
      // An id this server did not issue starts a new conversation.
      const sessionId = sessionIds.resolve(request.body.sessionId);
      const turn = () => engine.handle({ channel: 'web', userId: sessionId, text, payload });
      return { sessionId, replies: await (id ? replies.run(sessionId, id, turn) : turn()) };
    },
  );
}

function chatResponseJson(response: { sessionId: string; replies: Reply[] }): string {
  return `{"sessionId":${JSON.stringify(response.sessionId)},"replies":${repliesJson(response.replies)}}`;
}
