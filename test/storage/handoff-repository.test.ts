import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import type { Storage } from '../../src/storage/repositories.js';
import { createSchema, openPostgresIn, type TestSchema } from '../support/postgres.js';
import { handoffRepositoryContract } from './handoff-repository.contract.js';

handoffRepositoryContract('lowdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'handoffs-'));
  return { storage: await openLowdbStorage(dir), reopen: () => openLowdbStorage(dir) };
});

// Each test opens a schema of its own on the machine's PostgreSQL; all are dropped at the end.
const schemas: TestSchema[] = [];
const opened: Storage[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await Promise.all(schemas.map((s) => s.drop()));
});
handoffRepositoryContract('postgres', async () => {
  const schema = await createSchema();
  schemas.push(schema);
  const open = async () => {
    const storage = await openPostgresIn(schema);
    opened.push(storage);
    return storage;
  };
  return { storage: await open(), reopen: open };
});
