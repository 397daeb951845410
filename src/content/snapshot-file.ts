import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { z } from 'zod';

/**
 * Build-time snapshots (files the build writes beside the bundle, so start-up skips work it would redo identically):
 * each is stamped with a hash of the sources it was made from and is used only while that hash still holds.
 */

/** SHA-256 over each file's name (not its folder: the content may live elsewhere at run time) and bytes, then the extra strings. */
export async function hashSources(files: readonly string[], extra: readonly string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(basename(file)).update('\0').update(await readFile(file)).update('\0');
  for (const text of extra) hash.update(text).update('\0');
  return hash.digest('hex');
}

/**
 * The data of the snapshot in `file` when it was made from sources of this `hash` and has the expected shape; null
 * when it is missing, unreadable, stale or malformed (the caller then does the work itself).
 */
export async function readSnapshot<T extends z.ZodType>(file: string | URL, hash: string, schema: T): Promise<z.infer<T> | null> {
  let raw: { hash?: unknown; data?: unknown };
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (raw?.hash !== hash) return null;
  const parsed = schema.safeParse(raw.data);
  return parsed.success ? parsed.data : null;
}

export async function writeSnapshot(file: string | URL, hash: string, data: unknown): Promise<void> {
  await writeFile(file, JSON.stringify({ hash, data }));
}
