import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../channels/web/protocol.js';
import type { Parser } from '../nlu/types.js';
import { compiledJsonResponse } from './hot-route-json.js';

const parseRequest = z.strictObject({ text: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH) });

const intentScore = z.object({ name: z.string(), confidence: z.number() });
const parseResponse = z.object({
  text: z.string(),
  intent: intentScore,
  ranking: z.array(intentScore),
  entities: z.array(
    z.object({
      entity: z.enum(['money', 'count', 'area', 'commune']),
      value: z.union([z.number(), z.string()]),
      text: z.string(),
      start: z.number().int(),
      end: z.number().int(),
      alternatives: z.array(z.string()).optional(),
      inferred: z.boolean().optional(),
    }),
  ),
});

/**
 * POST /api/nlu/parse: what the matcher makes of a text (intent, top-5 ranking, entities), for staff tools and
 * for checking the matcher from outside. Entity offsets refer to the returned `text` (the input in Unicode NFC).
 */
export function registerNluRoutes(app: FastifyInstance, parser: Parser): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/nlu/parse',
    {
      ...compiledJsonResponse,
      schema: {
        tags: ['nlu'],
        summary: 'Intent and entities of one citizen message',
        body: parseRequest,
        response: { 200: parseResponse },
      },
    },
    async (request) => parser.parse(request.body.text),
  );
}
