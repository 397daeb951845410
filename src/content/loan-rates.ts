import { readFile } from 'node:fs/promises';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import type { LoanRates } from '../domain/knowledge/interest.js';
import { displayPath, isoDate, trimmedText } from './answers.js';
import { friendlyError } from './friendly-error.js';

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
    throw new Error(`${label}: file is missing`);
  });
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new Error(`${label}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = fileSchema.safeParse(raw, { error: friendlyError });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${label}: ${issue.path.join('.')} ${issue.message}`);
  }
  return result.data.rates;
}
