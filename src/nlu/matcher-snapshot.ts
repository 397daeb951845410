import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LinearSnapshot } from './linear-classifier.js';
import type { VocabularySnapshot } from './vocabulary.js';

/**
 * A matcher trained at build time (`npm run build` writes dist/matcher-model.json beside the server bundle), so
 * start-up skips parsing and training on intents/. It is used only when the intents files are byte for byte the ones
 * it was trained on (and validated from); otherwise, or when it is missing or unreadable, the service trains at
 * start-up as before. Built with the code it ships with, so features and model never disagree.
 */
export interface MatcherSnapshot {
  intentsHash: string;
  classifier: LinearSnapshot;
  vocabulary: VocabularySnapshot;
}

/** Its shape only: the hash vouches for its ~27,000 features and words, which zod took a third of the reading time to check. */
const snapshotSchema = z.object({
  intentsHash: z.string(),
  classifier: z.object({ labels: z.array(z.string()), features: z.custom<string[]>(Array.isArray), weightsFloat32: z.string(), bias: z.string() }),
  vocabulary: z.object({ counts: z.custom<[string, number][]>(Array.isArray), bigrams: z.custom<string[]>(Array.isArray) }),
});

const TRAINING_FILE = /\.(ya?ml|json)$/;

/** SHA-256 over the names and bytes of the training files and the extra utterances. */
export async function hashTrainingData(dir: string, extra: readonly { text: string; intent: string }[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).filter((n) => TRAINING_FILE.test(n)).sort()) {
    hash.update(name).update('\0').update(await readFile(join(dir, name))).update('\0');
  }
  for (const u of extra) hash.update(u.intent).update('\0').update(u.text).update('\0');
  return hash.digest('hex');
}

/** The snapshot in `file` if it was trained on exactly these intents; null otherwise. */
export async function readMatcherSnapshot(file: string | URL, intentsHash: string): Promise<MatcherSnapshot | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  const parsed = snapshotSchema.safeParse(raw);
  return parsed.success && parsed.data.intentsHash === intentsHash ? parsed.data : null;
}

export async function writeMatcherSnapshot(file: string | URL, snapshot: MatcherSnapshot): Promise<void> {
  await writeFile(file, JSON.stringify(snapshot));
}
