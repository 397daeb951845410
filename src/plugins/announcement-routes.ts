import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BODY_MAX, newAnnouncementSchema, TITLE_MAX } from '../announcements/announcement-input.js';
import type { AnnouncementService } from '../announcements/announcement-service.js';
import { zaloAnnouncementText } from '../announcements/announcement-text.js';
import { renderReply } from '../channels/zalo/message-format.js';
import { CITY_LABEL, communeLabel } from '../domain/commune-label.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { announcementRecord, deliveryStates } from '../storage/records.js';
import type { StaffGuard } from './staff-routes.js';

/** Responses show announcements exactly as stored. */
const announcementSchema = announcementRecord;
const channelReportSchema = z.object({
  total: z.number(),
  counts: z.record(z.enum(deliveryStates), z.number()),
  reasons: z.array(z.object({ state: z.enum(deliveryStates), reason: z.string(), label: z.string(), count: z.number() })),
});
const feedItemSchema = z.object({ id: z.string(), title: z.string(), body: z.string(), publishedAt: z.string().nullable() });
const idParams = z.object({ id: z.uuid({ message: 'Mã thông báo không hợp lệ.' }) });

/**
 * The public feed of a commune's published announcements (the widget's "Thông báo" tab, called from the portal's
 * pages: registered in the web channel's cross-origin scope).
 */
export function registerAnnouncementFeed(app: FastifyInstance, announcements: AnnouncementService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/announcements',
    {
      schema: {
        tags: ['announcements'],
        summary: 'Published announcements of a commune, newest first (public)',
        querystring: z.object({ commune: z.string().regex(/^\d{5}$/, 'Mã xã/phường gồm 5 chữ số.') }),
        response: { 200: z.object({ commune: z.string(), announcements: z.array(feedItemSchema) }) },
      },
    },
    async (request) => ({
      commune: request.query.commune,
      announcements: await announcements.feed(request.query.commune),
    }),
  );
}

/**
 * Announcements for staff: create (now or scheduled), preview, list, the delivery report, withdraw. The staff guard
 * checks session and role; the service checks the commune scope of every announcement it touches.
 */
export function registerAnnouncementRoutes(
  app: FastifyInstance,
  o: { announcements: AnnouncementService; guard: StaffGuard; communes: CommuneDirectory },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['announcements'];

  r.post(
    '/api/announcements',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'Create an announcement, sent now or at `scheduledAt`',
        body: newAnnouncementSchema,
        response: { 201: z.object({ id: z.string(), status: announcementSchema.shape.status, scheduledAt: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      const { id, status, scheduledAt } = await o.announcements.create(request.staff!, request.body);
      return reply.code(201).send({ id, status, scheduledAt });
    },
  );

  r.post(
    '/api/announcements/preview',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'How an announcement will look on Zalo (the messages after splitting) and in the widget',
        body: z.object({
          title: z.string().max(TITLE_MAX),
          body: z.string().max(BODY_MAX),
          communes: newAnnouncementSchema.shape.communes.optional(),
        }),
        response: {
          200: z.object({
            zalo: z.object({ from: z.string(), messages: z.array(z.string()) }),
            web: feedItemSchema.omit({ id: true }),
          }),
        },
      },
    },
    async (request) => {
      const { title, body, communes = 'all' } = request.body;
      const first = communes === 'all' ? undefined : o.communes.byId(communes[0] ?? '');
      const from = first ? communeLabel(first) : null;
      const text = zaloAnnouncementText({ title, body, communes }, from);
      const messages = renderReply({ text }, { quickReplyButtons: false }).map((m) => m.text);
      return { zalo: { from: from ?? CITY_LABEL, messages }, web: { title, body, publishedAt: null } };
    },
  );

  r.get(
    '/api/staff/announcements',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'Announcements the staff member may manage, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.array(announcementSchema) },
      },
    },
    async (request) => o.announcements.listFor(request.staff!, request.query.limit),
  );

  r.get(
    '/api/announcements/:id',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'An announcement and its delivery report per channel',
        params: idParams,
        response: {
          200: z.object({
            announcement: announcementSchema,
            report: z.object({ zalo: channelReportSchema.optional(), web: channelReportSchema.optional() }),
          }),
        },
      },
    },
    async (request) => o.announcements.report(request.staff!, request.params.id),
  );

  r.post(
    '/api/announcements/:id/withdraw',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'Withdraw: removed from the feed, nothing more is sent (messages already sent on Zalo stay)',
        params: idParams,
        response: { 200: announcementSchema },
      },
    },
    async (request) => o.announcements.withdraw(request.staff!, request.params.id),
  );
}
