import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Clock, provinceToday } from '../clock.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { CATEGORIES, type PovertyRules } from '../domain/poverty/types.js';
import { AppError } from '../errors.js';
import { mayActOn } from '../staff/scope.js';
import { buildDashboard, type DashboardQuery } from '../stats/dashboard.js';
import { dashboardCsv } from '../stats/dashboard-csv.js';
import { SMALL } from '../stats/figures.js';
import { REACH_STATES } from '../stats/labels.js';
import { RESPONSE_BANDS } from '../stats/programme-stats.js';
import { isoWeekOfDate, weeksBetween } from '../stats/weeks.js';
import type { Storage } from '../storage/repositories.js';

export interface DashboardRouteOptions {
  storage: Pick<Storage, 'stats' | 'announcements' | 'deliveries' | 'citizens'>;
  clock: Clock;
  communes: CommuneDirectory;
  categoryLabels: PovertyRules['guidance']['categoryLabels'];
}

/** The longest period one request may ask for. */
const MAX_WEEKS = 53;
/** Without `from`: this many weeks up to `to`. */
const DEFAULT_WEEKS = 8;
const DAY_MS = 86_400_000;

const day = z.iso.date({ message: 'Ngày phải có dạng YYYY-MM-DD.' });
const querySchema = z.object({
  from: day.optional().describe('First day of the period (its whole ISO week counts); default: 8 weeks before `to`'),
  to: day.optional().describe('Last day of the period (its whole ISO week counts); default: today (Asia/Ho_Chi_Minh)'),
  commune: z
    .string()
    .regex(/^\d{5}$/, 'Mã xã/phường gồm 5 chữ số.')
    .optional()
    .describe('One commune; default: the whole city (admins) or all of the officer’s communes'),
});

const figure = z.union([z.number(), z.literal(SMALL), z.string().regex(/^≥ \d+$/)]).describe('A count: "< 5" for a group of 1–4, "≥ n" for a total with such a part');
const reportSchema = z.object({
  fromWeek: z.string(),
  toWeek: z.string(),
  communes: z.union([z.literal('all'), z.array(z.string())]),
  weeks: z.array(z.object({ week: z.string(), monday: z.string() })),
  topics: z.array(z.object({ topic: z.string(), label: z.string(), weeks: z.array(figure), total: figure })),
  outcomes: z.array(
    z.object({
      week: z.string(),
      bot: figure,
      staff: figure,
      unanswered: figure,
      shares: z.object({ bot: z.number(), staff: z.number(), unanswered: z.number() }).nullable(),
    }),
  ),
  responseTimes: z.object({
    bands: z.array(z.object({ band: z.enum(RESPONSE_BANDS.map((b) => b.key)), label: z.string(), count: figure })),
    responses: figure,
    meanMinutes: z.number().nullable(),
  }),
  reach: z.array(
    z.object({
      channel: z.enum(['web', 'zalo']),
      label: z.string(),
      states: z.object(Object.fromEntries(REACH_STATES.map((s) => [s, figure])) as Record<(typeof REACH_STATES)[number], typeof figure>),
      total: figure,
      read: z.null(),
    }),
  ),
  screening: z.object({
    categories: z.array(z.object({ category: z.string(), label: z.string(), count: figure })),
    total: figure,
  }),
});

/**
 * The programme dashboard (GET /api/staff/dashboard and its CSV): admins see the city or one commune, officers their
 * communes (403 for another). Figures follow the "< 5" rule of src/stats/figures.ts.
 */
export async function dashboardRoutes(app: FastifyInstance, o: DashboardRouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const categories = CATEGORIES.map((id) => ({ id, label: o.categoryLabels[id] }));
  const tags = ['staff'];

  const queryOf = (request: FastifyRequest<{ Querystring: z.infer<typeof querySchema> }>): DashboardQuery => {
    const staff = request.staff!;
    const { commune } = request.query;
    const to = request.query.to ?? provinceToday(o.clock);
    const from = request.query.from ?? new Date(Date.parse(to) - (DEFAULT_WEEKS - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
    const fromWeek = isoWeekOfDate(from);
    const toWeek = isoWeekOfDate(to);
    const weeks = weeksBetween(fromWeek, toWeek).length;
    if (weeks === 0 || weeks > MAX_WEEKS) throw new AppError('invalid_period');
    if (commune && !o.communes.byId(commune)) throw new AppError('unknown_commune');
    if (commune && !mayActOn(staff, [commune])) throw new AppError('forbidden_dashboard_commune');
    const communes = commune ? [commune] : staff.role === 'admin' ? 'all' : staff.communes;
    return { fromWeek, toWeek, communes };
  };

  r.get(
    '/api/staff/dashboard',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Programme dashboard: questions per topic and week, outcomes, staff response times, announcement reach, self-assessments',
        querystring: querySchema,
        response: { 200: reportSchema },
      },
    },
    async (request) => buildDashboard({ storage: o.storage, categories }, queryOf(request)),
  );

  r.get(
    '/api/staff/dashboard.csv',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'The programme dashboard as CSV (UTF-8 with BOM, one figure a line)',
        querystring: querySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const query = queryOf(request);
      const csv = dashboardCsv(await buildDashboard({ storage: o.storage, categories }, query));
      const name = `so-lieu-${query.communes === 'all' ? 'thanh-pho' : query.communes.join('-')}-${query.fromWeek}-${query.toWeek}.csv`;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
    },
  );
}
