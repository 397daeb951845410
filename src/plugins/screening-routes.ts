import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Clock, provinceToday } from '../clock.js';
import { screenHousehold } from '../domain/poverty/screen.js';
import { indicatorsOf, standardOn, unknownIndicatorIds } from '../domain/poverty/standards.js';
import { AREAS, CATEGORIES, MAX_HOUSEHOLD_SIZE, type PovertyRules, type Standard } from '../domain/poverty/types.js';
import { AppError } from '../errors.js';

export interface ScreeningRouteDeps {
  rules: PovertyRules;
  clock: Clock;
}

const FIELDS = ['date', 'area', 'householdSize', 'monthlyIncome', 'deprivations'] as const;
/** 1,000 billion đồng a month: far above any household, and small enough that yearly sums stay finite numbers. */
const MAX_MONTHLY_INCOME = 1e12;

/** What to fix, per field: the message a person reads when that field is wrong or missing. */
const HINTS: Record<(typeof FIELDS)[number], string> = {
  date: 'Trường "date" phải là một ngày có thật viết theo dạng YYYY-MM-DD, ví dụ "2026-11-28"; bỏ trường này để dùng ngày hôm nay.',
  area: 'Trường "area" phải là "rural" (nông thôn – xã) hoặc "urban" (thành thị, đô thị – phường).',
  householdSize: `Trường "householdSize" (số người trong hộ) phải là số nguyên từ 1 đến ${MAX_HOUSEHOLD_SIZE}, ví dụ 4.`,
  monthlyIncome:
    'Trường "monthlyIncome" (tổng thu nhập của cả hộ mỗi tháng, tính bằng đồng) phải là một số không âm, không quá 1.000 tỷ, ví dụ 6000000.',
  deprivations:
    'Trường "deprivations" phải là danh sách mã chỉ số thiếu hụt, ví dụ ["health_insurance", "sanitation"]; gửi [] nếu hộ không thiếu hụt chỉ số nào.',
};
const BODY_HINT =
  'Nội dung gửi lên phải là một đối tượng JSON, ví dụ {"area": "rural", "householdSize": 4, "monthlyIncome": 5000000, "deprivations": ["health_insurance"]}.';

const hint = (field: (typeof FIELDS)[number]) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `Thiếu trường "${field}". ${HINTS[field]}` : HINTS[field];

const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};

const evaluateRequest = z.strictObject(
  {
    date: z
      .string({ error: hint('date') })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: hint('date') })
      .refine(isRealDate, { error: hint('date') })
      .optional(),
    area: z.enum(AREAS, { error: hint('area') }),
    householdSize: z
      .number({ error: hint('householdSize') })
      .int({ error: hint('householdSize') })
      .min(1, { error: hint('householdSize') })
      .max(MAX_HOUSEHOLD_SIZE, { error: hint('householdSize') }),
    monthlyIncome: z
      .number({ error: hint('monthlyIncome') })
      .min(0, { error: hint('monthlyIncome') })
      .max(MAX_MONTHLY_INCOME, { error: hint('monthlyIncome') }),
    deprivations: z.array(z.string({ error: hint('deprivations') }), { error: hint('deprivations') }).max(100, {
      error: hint('deprivations'),
    }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Không nhận trường ${issue.keys.map((k) => `"${k}"`).join(', ')}. Các trường hợp lệ: ${FIELDS.join(', ')}.`
        : BODY_HINT,
  },
);
type EvaluateRequest = z.infer<typeof evaluateRequest>;

const standardSummary = z.object({
  id: z.string(),
  title: z.string(),
  legalBasis: z.string(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  provisional: z.boolean(),
});

const evaluateResponse = z.object({
  standard: standardSummary,
  category: z.enum(CATEGORIES),
  incomePerCapita: z.number(),
  incomeLine: z.number(),
  deprivationCount: z.number().int(),
  deprivedDimensions: z.array(
    z.object({ id: z.string(), label: z.string(), indicators: z.array(z.object({ id: z.string(), label: z.string() })) }),
  ),
  entitlements: z.array(
    z.object({ id: z.string(), title: z.string(), summary: z.string(), legalBasis: z.string(), confirmed: z.boolean() }),
  ),
  nextSteps: z.array(z.string()),
  disclaimer: z.string(),
});

const areaRule = z.object({ label: z.string(), incomeLine: z.number(), averageLivingUpTo: z.number().nullable() });
const standardsResponse = z.object({
  today: z.string(),
  current: z.string().nullable(),
  standards: z.array(
    standardSummary.extend({
      provisionalNote: z.string().nullable(),
      sources: z.array(z.string()),
      areas: z.object({ rural: areaRule, urban: areaRule }),
      classification: z.object({ minDeprivationsForPoor: z.number(), nearLinePercent: z.number(), rule: z.string() }),
      dimensions: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          indicators: z.array(
            z.object({ id: z.string(), label: z.string(), question: z.string(), threshold: z.string(), confirmed: z.boolean() }),
          ),
        }),
      ),
    }),
  ),
});

const apiError = z.object({ error: z.string(), message: z.string() });

/** GET /api/screening/standards and POST /api/screening/evaluate: the poverty rules and a self-assessment by API. */
export async function registerScreeningRoutes(app: FastifyInstance, deps: ScreeningRouteDeps): Promise<void> {
  const { rules, clock } = deps;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/screening/standards',
    {
      schema: {
        tags: ['screening'],
        summary: 'The poverty standards with their dates, income lines, indicators and questions',
        response: { 200: standardsResponse },
      },
    },
    async () => {
      const today = provinceToday(clock);
      return { today, current: standardOn(rules.standards, today)?.id ?? null, standards: rules.standards };
    },
  );

  routes.post(
    '/api/screening/evaluate',
    {
      // The body is checked in the handler, so every message says what to fix in that field (and unknown indicator
      // ids are checked against the standard of the requested date).
      attachValidation: true,
      schema: {
        tags: ['screening'],
        summary: 'Self-assessment of one household under the standard in force on a date (today by default)',
        body: evaluateRequest,
        response: { 200: evaluateResponse, 400: apiError },
      },
    },
    async (request) => {
      const input = parseRequest(request.body);
      const date = input.date ?? provinceToday(clock);
      const standard = standardOn(rules.standards, date);
      if (!standard) throw new AppError('no_standard_for_date', noStandardMessage(rules.standards, date));
      checkDeprivations(standard, input.deprivations);
      const { notes, disclaimer, ...result } = screenHousehold(rules, standard, input, date);
      // The response keeps the documented shape: the notes that qualify this result lead the disclaimer.
      return { ...result, disclaimer: [...notes, disclaimer].join(' ') };
    },
  );
}

function parseRequest(body: unknown): EvaluateRequest {
  const parsed = evaluateRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const messages = [...new Set(parsed.error.issues.map((i) => i.message))];
  throw new AppError('invalid_request', messages.join(' '));
}

function checkDeprivations(standard: Standard, deprivations: readonly string[]): void {
  const repeated = deprivations.filter((d, i) => deprivations.indexOf(d) !== i);
  if (repeated.length > 0) {
    throw new AppError('invalid_request',
      `Mã chỉ số ${[...new Set(repeated)].map((d) => `"${d}"`).join(', ')} bị lặp lại trong "deprivations"; mỗi chỉ số chỉ ghi một lần.`,
    );
  }
  const unknown = unknownIndicatorIds(standard, deprivations);
  if (unknown.length > 0) {
    throw new AppError('unknown_indicator',
      `${standard.title} (${standard.id}) không có chỉ số ${unknown.map((d) => `"${d}"`).join(', ')}. ` +
        `Các mã hợp lệ: ${indicatorsOf(standard)
          .map((i) => i.id)
          .join(', ')}.`,
    );
  }
}

function noStandardMessage(standards: readonly Standard[], date: string): string {
  const known = standards.map((s) => `${s.id} (từ ${s.effectiveFrom}${s.effectiveTo ? ` đến ${s.effectiveTo}` : ''})`);
  return `Chưa có chuẩn nghèo áp dụng cho ngày ${date}. Các chuẩn hiện có: ${known.join('; ')}. Hãy chọn một ngày trong các khoảng này.`;
}
