import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import { handoffRepositoryContract } from './handoff-repository.contract.js';

handoffRepositoryContract('lowdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'handoffs-'));
  return { storage: await openLowdbStorage(dir), reopen: () => openLowdbStorage(dir) };
});
