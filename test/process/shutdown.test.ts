import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { storedSessions } from '../support/data-files.js';
import { startServiceProcess, waitForExit } from '../support/service-process.js';
import { ON_POSTGRES, openTestStorage, testServiceEnv } from '../support/storage.js';

describe('the service process', () => {
  it('stops on SIGTERM after finishing in-flight chats, with their state stored, and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shutdown-'));
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    // Each chat starts a conversation; the server issues its session id.
    const inFlight = Array.from({ length: 40 }, () =>
      fetch(`${service.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'tu danh gia ho ngheo' }),
      }).then(
        async (res) => ({ sessionId: res.status === 200 ? ((await res.json()) as { sessionId: string }).sessionId : '', status: res.status }),
        () => ({ sessionId: '', status: 0 }),
      ),
    );
    // Stop as soon as the service is demonstrably handling this burst: the rest are in flight.
    await Promise.race(inFlight);
    service.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(await waitForExit(service.child)).toBe(0);

    const acknowledged = results.filter((r) => r.status === 200).map((r) => r.sessionId);
    expect(acknowledged.length).toBeGreaterThan(0);
    const saved = new Set((await storedSessions(dataDir)).map((r) => r.userId));
    for (const id of acknowledged) expect(saved.has(id)).toBe(true);
  });

  it('refuses to start on a bad variable with one line naming it', async () => {
    const error = await startServiceProcess({ PORT: 'abc' }).catch((e: Error) => e);
    expect(String(error)).toMatch(/Invalid configuration: PORT/);
  });

  // A data file is the embedded storage's: PostgreSQL's counterpart follows.
  it.skipIf(ON_POSTGRES)('refuses to start on a corrupt data file, naming it, and leaves it untouched', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'corrupt-'));
    await writeFile(join(dataDir, 'staff.json'), '{"records":[{"id":"x"}]}');
    const error = await startServiceProcess({ DATA_DIR: dataDir }).catch((e: Error) => e);
    expect(String(error)).toMatch(/staff\.json records\.0\.role/);
    expect(await readFile(join(dataDir, 'staff.json'), 'utf8')).toBe('{"records":[{"id":"x"}]}');
  });

  // PostgreSQL rows are validated as they are read (a start-up cannot read every table): an announcement left
  // `publishing` is taken up again at start, so a corrupt one is read then — named, left untouched, the service up.
  it.runIf(ON_POSTGRES)('names the table and row of a corrupt row it reads, and leaves the row untouched', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'corrupt-'));
    await (await openTestStorage(dataDir)).close();
    const sql = async (query: string) => {
      const client = new pg.Client({ connectionString: (await testServiceEnv(dataDir)).DATABASE_URL });
      await client.connect();
      try {
        return (await client.query(query)).rows;
      } finally {
        await client.end();
      }
    };
    await sql(`INSERT INTO announcements (id, record) VALUES ('x', '{"id":"x","status":"publishing"}')`);
    const service = await startServiceProcess({ DATA_DIR: dataDir });
    try {
      const named = /PostgreSQL table announcements, row \\"x\\": record\.\w+/;
      const deadline = Date.now() + 30_000;
      while (!named.test(service.stderr() + service.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(service.stderr() + service.stdout()).toMatch(named);
      expect((await fetch(`${service.url}/health`)).status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      await waitForExit(service.child);
    }
    expect(await sql(`SELECT record FROM announcements`)).toEqual([{ record: { id: 'x', status: 'publishing' } }]);
  });
});
