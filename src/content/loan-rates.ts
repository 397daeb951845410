import { readFile } from 'node:fs/promises';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import type { LoanRates } from '../domain/knowledge/interest.js';
import { ContentError, contentProblem } from '../errors.js';
import { displayPath, isoDate, trimmedText } from './answers.js';
import { friendlyError } from './friendly-error.js';
import { syntaxProblem } from './syntax-problem.js';

const percent = z.number().positive().max(30);
const fileSchema = z.strictObject({
  rates: z
    .array(
      z.strictObject({
        effectiveFrom: isoDate,
        legalBasis: trimmedText(200),
        percentPerYear: z.strictObject({
          poor: percent.optional(),
          student: percent.optional(),
          near_poor: percent.optional(),
          newly_escaped: percent.optional(),
          clean_water: percent.optional(),
        }),
      }),
    )
    .min(1),
});

/** content/loan-rates.yaml: the policy bank's rates by date, for interest arithmetic. */
export async function loadLoanRates(file: string): Promise<LoanRates[]> {
  const label = displayPath(file);
  const source = await readFile(file, 'utf8').catch(() => {
    throw new ContentError(contentProblem(label, 'file', 'is missing'));
  });
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new ContentError(syntaxProblem(label, source, error));
  }
  const result = fileSchema.safeParse(raw, { error: friendlyError });
  if (!result.success) {
    throw new ContentError(result.error.issues.map((issue) => contentProblem(label, issue.path.join('.') || 'file', issue.message)));
  }
  return result.data.rates;
}
