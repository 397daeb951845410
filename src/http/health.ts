import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * The services the instance depends on, each with a probe that rejects when it cannot be reached: the database (the
 * storage's ping; the embedded files always answer) and, when configured, Redis.
 */
export interface HealthProbes {
  database: () => Promise<void>;
  redis?: () => Promise<void>;
}

/** A probe not answered within this long counts as unreachable: a load balancer's check must not hang. */
const PROBE_TIMEOUT_MS = 3000;

const probeState = z.enum(['ok', 'unreachable']);
const body = z.object({ status: z.enum(['ok', 'unavailable']), database: probeState, redis: probeState.optional() });

async function probe(check: () => Promise<void>): Promise<z.infer<typeof probeState>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 200 once everything is loaded and every dependency answers; 503 while starting or stopping, or when the database
 * (or Redis) cannot be reached (load balancers take the hint). The body names each dependency's state.
 */
export function registerHealthRoute(app: FastifyInstance, isReady: () => boolean, probes: HealthProbes): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness, and the state of the database (and Redis when configured)',
        response: { 200: body, 503: body },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      const [database, redis] = await Promise.all([probe(probes.database), probes.redis ? probe(probes.redis) : undefined]);
      const healthy = isReady() && database === 'ok' && redis !== 'unreachable';
      return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unavailable', database, ...(redis && { redis }) });
    },
  );
}
