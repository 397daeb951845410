/** Reads and validates content/holidays.yaml: the public holidays commune offices are closed on. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { ContentError, contentProblem } from '../errors.js';

const holidaysSchema = z.object({
  asOf: z.iso.date(),
  holidays: z
    .array(
      z.object({
        date: z.iso.date(),
        name: z.string().min(1),
        /** The article of law that makes it a holiday. */
        basis: z.string().min(1),
        /** `law`: the date is in the Code; `expected`: set each year by the Prime Minister, computed here. */
        status: z.enum(['law', 'expected']),
      }),
    )
    .min(1),
});

export type Holidays = z.infer<typeof holidaysSchema>['holidays'];

export async function loadHolidays(contentDir: string): Promise<Holidays> {
  const file = join(contentDir, 'holidays.yaml');
  let raw: unknown;
  try {
    raw = yaml.load(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ContentError(contentProblem(file, '(file)', code === 'ENOENT' ? 'file not found' : (error as Error).message.split('\n')[0]!));
  }
  const parsed = holidaysSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ContentError(
      parsed.error.issues.map((issue) => contentProblem(file, issue.path.join('.') || '(root)', issue.message)),
    );
  }
  const seen = new Set<string>();
  for (const [i, h] of parsed.data.holidays.entries()) {
    if (seen.has(h.date)) throw new ContentError(contentProblem(file, `holidays.${i}.date`, `duplicate date ${h.date}`));
    seen.add(h.date);
  }
  return parsed.data.holidays;
}
