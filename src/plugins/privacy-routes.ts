import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { citizenHash, holdsNothing, type PersonalDataService } from '../privacy/personal-data.js';
import { PRIVACY_PAGE_CSP, type PrivacyPageFacts, renderPrivacyPage } from '../privacy/privacy-page.js';
import type { AuditRepository } from '../storage/repositories.js';
import type { StaffGuard } from './staff-routes.js';

export const PRIVACY_PAGE_PATH = '/privacy';

/** The privacy page's address as citizens reach it (in chat messages). */
export function privacyPageUrl(config: Pick<Config, 'PUBLIC_BASE_URL'>): string {
  return `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${PRIVACY_PAGE_PATH}`;
}

const citizenParams = z.object({
  citizenId: z
    .string()
    .regex(/^(web|zalo):[A-Za-z0-9_-]{1,64}$/, 'Mã người dùng có dạng "zalo:<mã Zalo>" hoặc "web:<mã phiên>".'),
});

/** GET /privacy: the full notice, server-rendered so its periods are the configured ones. */
export function registerPrivacyPage(app: FastifyInstance, facts: PrivacyPageFacts): void {
  const html = renderPrivacyPage(facts);
  app.get(PRIVACY_PAGE_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-security-policy', PRIVACY_PAGE_CSP)
      .header('cache-control', 'public, max-age=300')
      .type('text/html; charset=utf-8')
      .send(html),
  );
}

/**
 * A citizen's rights exercised by an admin on the citizen's request (e.g. by phone at the commune office): see
 * everything stored, or delete it all. Both are written to the audit log, naming the citizen only by hash.
 */
export function registerPrivacyAdminRoutes(
  app: FastifyInstance,
  deps: { personalData: PersonalDataService; audit: AuditRepository; guard: StaffGuard; now: () => Date },
): void {
  const { personalData, audit } = deps;
  const adminOnly = deps.guard('admin');
  // The guard has put the logged-in admin on the request.
  const adminOf = (request: FastifyRequest) => request.staff!.username;
  const route = app.withTypeProvider<ZodTypeProvider>();

  route.get(
    '/api/staff/citizens/:citizenId/personal-data',
    {
      onRequest: adminOnly,
      schema: { tags: ['privacy'], summary: "Everything stored about a citizen (admins, on the citizen's request)", params: citizenParams },
    },
    async (request) => {
      const { citizenId } = request.params;
      const inventory = await personalData.inventory(citizenId);
      if (holdsNothing(inventory)) {
        throw new AppError('citizen_not_found', `Không có dữ liệu nào về người dùng ${citizenId}.`);
      }
      await audit.append({
        id: randomUUID(),
        at: deps.now().toISOString(),
        actor: adminOf(request),
        action: 'personal_data.view',
        target: `citizen:${citizenHash(citizenId)}`,
      });
      return inventory;
    },
  );

  route.delete(
    '/api/staff/citizens/:citizenId/personal-data',
    {
      onRequest: adminOnly,
      schema: { tags: ['privacy'], summary: "Delete everything stored about a citizen (admins, on the citizen's request)", params: citizenParams },
    },
    async (request) => {
      const report = await personalData.deletePersonalData(request.params.citizenId, {
        kind: 'staff',
        username: adminOf(request),
      });
      return { deleted: report };
    },
  );
}
