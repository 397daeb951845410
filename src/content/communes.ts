/**
 * Reads and validates content/communes.json into the domain's CommuneDirectory (src/domain/communes.ts, which holds
 * the types and the lookup rules and reads no file).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Commune, CommuneDirectory, type FormerUnit } from '../domain/communes.js';
import { ContentError, contentProblem } from '../errors.js';
import { syntaxProblem } from './syntax-problem.js';

const formerUnitSchema: z.ZodType<FormerUnit> = z.object({
  name: z.string().min(1),
  type: z.enum(['xa', 'phuong', 'thi_tran', 'huyen']),
  formerDistrict: z.string().min(1),
  portion: z.enum(['full', 'part', 'remainder']),
  code: z.string().regex(/^\d{3,5}$/),
  variants: z.array(z.string().min(1)).optional(),
});

const communeSchema: z.ZodType<Commune> = z.object({
  id: z.string().regex(/^\d{5}$/, 'id is the 5-digit statistics code'),
  name: z.string().min(1),
  type: z.enum(['xa', 'phuong', 'dac_khu']),
  code: z.string().regex(/^\d{5}$/),
  formerProvince: z.enum(['Hải Phòng', 'Hải Dương']),
  source: z.string().min(1),
  formerNames: z.array(formerUnitSchema).min(1),
});

const communesFileSchema = z
  .object({ asOf: z.iso.date(), source: z.string().min(1), communes: z.array(communeSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.communes.forEach((commune, index) => {
      if (commune.id !== commune.code) {
        ctx.addIssue({ code: 'custom', path: ['communes', index, 'id'], message: `id must equal code "${commune.code}"` });
      }
      if (seen.has(commune.id)) ctx.addIssue({ code: 'custom', path: ['communes', index, 'id'], message: `duplicate id "${commune.id}"` });
      seen.add(commune.id);
    });
  });

/** Reads and validates `<contentDir>/communes.json`; a missing or invalid file throws naming the file and the field. */
export async function loadCommunes(contentDir: string): Promise<CommuneDirectory> {
  const file = join(contentDir, 'communes.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ContentError(contentProblem(file, '(file)', (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read'));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ContentError(syntaxProblem(file, text, error));
  }
  const parsed = communesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ContentError(contentProblem(file, issue.path.join('.') || '(root)', issue.message));
  }
  return new CommuneDirectory(parsed.data.communes, parsed.data.asOf);
}
