import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLowdbStorage, readLowdbRecords } from '../../src/storage/lowdb/index.js';
import { tables } from '../../src/storage/postgres/index.js';
import type { StoredRecords } from '../../src/storage/records.js';
import { createSchema, type TestSchema } from '../support/postgres.js';
import { announcement, at, audit, citizen, delivery, kept, session, staff, staffSession, T0, token, unanswered } from './fixtures.js';
import { handoff } from './handoff-repository.contract.js';

/** `npm run migrate-data`: a DATA_DIR with records of every collection, copied by the script itself into PostgreSQL. */
const run = promisify(execFile);
let schema: TestSchema;
let dataDir: string;

beforeAll(async () => {
  schema = await createSchema();
  dataDir = await mkdtemp(join(tmpdir(), 'migrate-data-'));
  const storage = await openLowdbStorage(dataDir);
  await storage.sessions.replaceAll([session('web:s1'), session('web:s2', at(5))]);
  for (let i = 0; i < 120; i++) await storage.citizens.save(citizen(`c${i}`, i % 3 ? 'xa-a' : null));
  await storage.citizens.save({ ...citizen('c1', 'xa-b'), subscribed: false, subscribedAt: null });
  await storage.citizens.delete('web:c2');
  await storage.journal.recordIfNew({ id: 'j1', receivedAt: T0, event: { text: 'xin chào' }, citizenId: 'zalo:1' });
  await storage.journal.recordIfNew({ id: 'j2', receivedAt: T0, event: { text: 'hộ nghèo' }, citizenId: 'zalo:2' });
  await storage.journal.advance('j2', 'replying', undefined, [{ text: 'Chào bạn' }]);
  await storage.journal.recordIfNew({ id: 'j3', receivedAt: T0, event: null, citizenId: null });
  await storage.journal.advance('j3', 'done', 'replied');
  await storage.announcements.save(announcement('a1'));
  await storage.announcements.save(announcement('a2', { communes: 'all', status: 'scheduled', scheduledAt: at(60), publishedAt: null }));
  await storage.deliveries.enqueue(Array.from({ length: 300 }, (_, i) => delivery('a1', `zalo:${i}`)));
  await storage.deliveries.update([delivery('a1', 'zalo:0', 'sent'), delivery('a1', 'zalo:1', 'failed')]);
  await storage.staff.save(staff('quantri', 'admin'));
  await storage.staff.save(staff('lan'));
  await storage.staffSessions.save(staffSession('h1', 'lan', at(600)));
  for (let i = 0; i < 5; i++) await storage.audit.append(audit(`x${i}`, at(i)));
  await storage.tokens.save(token('refresh-1'));
  await storage.keptAnswers.add(kept('k1', 'web:c1'));
  await storage.unanswered.add(unanswered('u1', 'web:c1'));
  await storage.unanswered.add({ ...unanswered('u2', 'web:c3'), text: null });
  await storage.stats.add([
    { week: '2026-W49', commune: 'xa-a', measure: 'question', key: 'loans|bot', count: 7 },
    { week: '2026-W49', commune: '', measure: 'staff_response', key: 'under_1h', count: 2, seconds: 1800 },
  ]);
  await storage.handoffs.save(handoff('h1', { citizenId: 'web:c1' }));
  await storage.handoffs.save(handoff('h2', { status: 'closed', closedAt: T0, outcome: 'answered' }));
  await storage.knowledgeDrafts.add({
    id: 'd1',
    question: 'Hộ cận nghèo có được miễn học phí không?',
    answer: 'Được hỗ trợ 50 % học phí.',
    topic: 'education',
    author: 'quantri',
    createdAt: T0,
    handoffId: 'h2',
  });
  // Some of it only in the change logs, some compacted into the snapshots: the script must read both.
  await storage.close();
});

afterAll(() => schema.drop());

const migrateData = () =>
  run('npx', ['tsx', 'scripts/migrate-data.ts'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: schema.url } });

async function tableRecords(collection: keyof StoredRecords): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    return (await client.query(`SELECT record FROM ${tables[collection].name} ORDER BY id`)).rows.map((r) => r.record);
  } finally {
    await client.end();
  }
}

describe('npm run migrate-data', () => {
  it('copies every record of every collection, and a second run writes nothing', async () => {
    const expected = await readLowdbRecords(dataDir);
    const counts = Object.fromEntries(Object.entries(expected).map(([name, records]) => [name, records.length]));
    expect(counts).toEqual({
      sessions: 2,
      citizens: 119,
      journal: 3,
      announcements: 2,
      deliveries: 300,
      staff: 2,
      staffSessions: 1,
      audit: 5,
      stats: 2,
      handoffs: 2,
      knowledgeDrafts: 1,
      tokens: 1,
      keptAnswers: 1,
      unanswered: 2,
    });

    const first = await migrateData();
    for (const [name, n] of Object.entries(counts)) expect(first.stdout).toContain(`${name.padEnd(16)} read ${n}, written ${n}\n`);
    expect(first.stdout).toContain('443 records read, 443 of them in the database.');

    for (const name of Object.keys(counts) as (keyof StoredRecords)[]) {
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      expect(await tableRecords(name), name).toEqual([...expected[name]].sort(byId));
    }

    const second = await migrateData();
    expect(second.stdout).toContain(`citizens         read 119, written 0 (119 already there)\n`);
    expect(second.stdout).toContain('443 records read, 443 of them in the database.');
    expect(await tableRecords('citizens')).toHaveLength(119);
    // Two runs of the script, each a tsx process of its own.
  }, 120_000);

  it('refuses without DATABASE_URL, naming it', async () => {
    const error = await run('npx', ['tsx', 'scripts/migrate-data.ts'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(error).toMatchObject({ code: 78, stderr: expect.stringContaining('Set DATABASE_URL') });
  }, 120_000);
});
