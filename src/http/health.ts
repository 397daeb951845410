import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** 200 once everything is loaded; 503 while starting or stopping (load balancers take the hint). */
export function registerHealthRoute(app: FastifyInstance, isReady: () => boolean): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness',
        response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable') }) },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => (isReady() ? { status: 'ok' as const } : reply.code(503).send({ status: 'unavailable' as const })),
  );
}
