import { describe, expect, it } from 'vitest';
import { CitizenRegistry } from '../../src/citizens/registry.js';
import type { CitizenRecord } from '../../src/storage/records.js';
import type { CitizenRepository } from '../../src/storage/repositories.js';

/** Citizens in a map, counting the reads: a read is a round trip to the database with PostgreSQL. */
function countingRepository() {
  const records = new Map<string, CitizenRecord>();
  const counts = { reads: 0 };
  const repo = {
    get: async (id: string) => {
      counts.reads++;
      return records.get(id);
    },
    save: async (record: CitizenRecord) => {
      records.set(record.id, record);
    },
  } as unknown as CitizenRepository;
  return { repo, counts, records };
}

describe('CitizenRegistry.communeOf', () => {
  it("answers from the record the same turn's recordInteraction read, without reading it again", async () => {
    const { repo, counts, records } = countingRepository();
    const registry = new CitizenRegistry(repo);
    await registry.recordInteraction('web', 'a', new Date());
    await registry.update('web:a', { commune: '10813' });
    // Another instance's registry moved the citizen meanwhile: this one still reads the database for it later.
    records.set('web:b', { ...records.get('web:a')!, id: 'web:b', userId: 'b', commune: '10816' });

    await registry.recordInteraction('web', 'a', new Date());
    const reads = counts.reads;
    expect(await registry.communeOf('web:a')).toBe('10813');
    expect(counts.reads).toBe(reads);

    expect(await registry.communeOf('web:b')).toBe('10816');
    expect(counts.reads).toBe(reads + 1);
    expect(await registry.communeOf('web:nobody')).toBeNull();
  });

  it('gives the commune a change through the registry set, at once', async () => {
    const { repo } = countingRepository();
    const registry = new CitizenRegistry(repo);
    await registry.recordInteraction('web', 'a', new Date());
    expect(await registry.communeOf('web:a')).toBeNull();
    await registry.update('web:a', { commune: '10813' });
    expect(await registry.communeOf('web:a')).toBe('10813');
  });
});
