import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CommuneDirectory } from '../domain/communes.js';

const communeList = z.object({
  /** The date the list is valid from (the 2025 reorganisation). */
  asOf: z.string(),
  communes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(['xa', 'phuong', 'dac_khu']),
      formerNames: z.array(
        z.object({
          name: z.string(),
          type: z.enum(['xa', 'phuong', 'thi_tran', 'huyen']),
          formerDistrict: z.string(),
          portion: z.enum(['full', 'part', 'remainder']),
        }),
      ),
    }),
  ),
});

/** GET /api/communes: the commune-level units (id = statistics code) with the former units merged into each. */
export function registerCommunesRoutes(app: FastifyInstance, communes: CommuneDirectory): void {
  const body = { asOf: communes.asOf, communes: communes.list() };
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/communes',
    {
      schema: { tags: ['communes'], summary: 'Communes of thành phố Hải Phòng since 1 July 2025', response: { 200: communeList } },
    },
    async () => body,
  );
}
