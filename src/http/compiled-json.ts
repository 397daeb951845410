import fastJson from 'fast-json-stringify';
import { type ZodType, z } from 'zod';

/** Fastify hands over the response schema of one status code: here always a zod schema. */
const compile = ({ schema }: { schema: unknown }) =>
  fastJson(z.toJSONSchema(schema as ZodType, { io: 'output', target: 'draft-7' }) as Parameters<typeof fastJson>[0]);

/**
 * Route option for hot routes (chat, parse): the response is written by a serialiser compiled from the route's own
 * zod response schema (fast-json-stringify, what Fastify uses for JSON-schema routes), about twice as fast as
 * JSON.stringify on these small nested objects and, like zod's encode pass, writing only the documented fields.
 * It checks required fields and types, not zod refinements — fine for the plain shapes these routes return.
 */
export const compiledJsonResponse = { serializerCompiler: compile } as const;
