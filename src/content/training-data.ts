/**
 * The matcher's training data: one file per intent in intents/ (`{intent, description, examples: [...]}`, YAML or
 * JSON), validated at start-up. A bad file stops the service with a message naming the file and the problem.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { ContentError, contentProblem } from '../errors.js';
import { fold } from '../text/fold.js';
import { INTENT_NAMES } from './intents-list.js';
import { syntaxProblem } from './syntax-problem.js';

export interface TrainingUtterance {
  text: string;
  intent: string;
}

const MAX_EXAMPLE_LENGTH = 2000;

const intentFileSchema = z.strictObject({
  intent: z.enum(INTENT_NAMES),
  description: z.string().min(1),
  examples: z.array(z.string().trim().min(1).max(MAX_EXAMPLE_LENGTH)).min(1),
});

const fail = (file: string, place: string, problem: string) => new ContentError(contentProblem(file, place, problem));

function parseFile(file: string, text: string): unknown {
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ContentError(syntaxProblem(file, text, error));
  }
}

/**
 * Every example of every intent file in `dir`, as the matcher needs it: `readTrainingFiles` plus the check that each
 * intent of INTENT_NAMES has its file.
 */
export async function loadTrainingData(dir: string): Promise<TrainingUtterance[]> {
  const { utterances, intents } = await readTrainingFiles(dir);
  const missing = INTENT_NAMES.filter((i) => !intents.has(i));
  if (missing.length) throw fail(dir, '(folder)', `no training file for intent(s): ${missing.join(', ')}`);
  return utterances;
}

/**
 * The examples of the intent files present in `dir`. Checks: the shape; the file is named after its intent; one file
 * per intent; no sentence is given to two intents (that would teach the model a coin toss).
 */
async function readTrainingFiles(dir: string): Promise<{ utterances: TrainingUtterance[]; intents: Set<string> }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch (error) {
    throw fail(dir, '(folder)', `cannot read the intents folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const utterances: TrainingUtterance[] = [];
  const fileOfIntent = new Map<string, string>();
  const ownerOfText = new Map<string, { intent: string; file: string }>();

  for (const name of names) {
    const file = join(dir, name);
    const parsed = intentFileSchema.safeParse(parseFile(file, await readFile(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw fail(file, issue.path.join('.') || '(root)', issue.message);
    }
    const { intent, examples } = parsed.data;
    if (name.replace(/\.(ya?ml|json)$/, '') !== intent) throw fail(file, 'intent', `holds intent "${intent}"; name the file ${intent}.yaml`);
    const other = fileOfIntent.get(intent);
    if (other) throw fail(file, 'intent', `intent "${intent}" is already defined in ${other}`);
    fileOfIntent.set(intent, file);

    for (const [index, text] of examples.entries()) {
      const key = fold(text);
      const owner = ownerOfText.get(key);
      if (owner && owner.intent !== intent) {
        throw fail(file, `examples.${index}`, `"${text}" is also an example of "${owner.intent}" in ${owner.file}`);
      }
      ownerOfText.set(key, { intent, file });
      utterances.push({ text, intent });
    }
  }
  return { utterances, intents: new Set(fileOfIntent.keys()) };
}
