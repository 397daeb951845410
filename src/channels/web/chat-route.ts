import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationEngine } from '../../engine/engine.js';
import { MAX_MESSAGE_LENGTH, replySchema, sessionIdSchema } from './protocol.js';

const chatRequest = z.object({
  sessionId: sessionIdSchema.optional(),
  text: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH).optional(),
  payload: z.string().min(1).max(200).optional(),
}).refine((body) => body.text !== undefined || body.payload !== undefined, {
  message: 'Hãy gửi "text" (câu hỏi) hoặc "payload" (nút đã chọn).',
  path: ['text'],
});

/** POST /api/chat: the widget's REST twin (and the simplest way to talk to the bot from a script). */
export function registerChatRoute(app: FastifyInstance, engine: ConversationEngine): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/chat',
    {
      schema: {
        tags: ['chat'],
        summary: 'Send one message to the bot and get its replies',
        body: chatRequest,
        response: { 200: z.object({ sessionId: z.string(), replies: z.array(replySchema) }) },
      },
    },
    async (request) => {
      const sessionId = request.body.sessionId ?? randomUUID();
      const replies = await engine.handle({
        channel: 'web',
        userId: sessionId,
        text: request.body.text,
        payload: request.body.payload,
      });
      return { sessionId, replies };
    },
  );
}
