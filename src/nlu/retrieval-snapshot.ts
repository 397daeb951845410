import { z } from 'zod';
import { readSnapshot, writeSnapshot } from '../content/snapshot-file.js';
import { RetrievalIndex } from './retrieval.js';

/**
 * The knowledge base's search index, built at build time (dist/knowledge-index.json) instead of after each start-up
 * (~250 ms and ~8 MB of garbage). Keyed by the hash of the knowledge base's sources: a changed file means the service
 * builds the index itself, as it does running from source.
 */
const snapshotSchema = z.object({
  ids: z.custom<string[]>(Array.isArray),
  // Not each of its 12,000 terms: the hash vouches for them.
  terms: z.custom<string[]>(Array.isArray),
  starts: z.string(),
  docs: z.string(),
  frequencies: z.string(),
  lengths: z.string(),
});

export async function readRetrievalIndex(file: string | URL, sourcesHash: string | null): Promise<RetrievalIndex | null> {
  const snapshot = sourcesHash === null ? null : await readSnapshot(file, sourcesHash, snapshotSchema);
  try {
    return snapshot && new RetrievalIndex(snapshot);
  } catch {
    // Arrays of a length their type cannot have: not a snapshot this code wrote.
    return null;
  }
}

export async function writeRetrievalIndex(file: string | URL, sourcesHash: string, index: RetrievalIndex): Promise<void> {
  await writeSnapshot(file, sourcesHash, index.toSnapshot());
}
