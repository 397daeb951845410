import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServiceProcess, waitForExit } from '../support/service-process.js';

describe('the service process', () => {
  it('stops on SIGTERM after finishing in-flight chats, with their state on disk, and exits 0', async () => {
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
    const snapshot = JSON.parse(await readFile(join(dataDir, 'sessions.json'), 'utf8')) as { records: { userId: string }[] };
    const saved = new Set(snapshot.records.map((r) => r.userId));
    for (const id of acknowledged) expect(saved.has(id)).toBe(true);
  });

  it('refuses to start on a bad variable with one line naming it', async () => {
    const error = await startServiceProcess({ PORT: 'abc' }).catch((e: Error) => e);
    expect(String(error)).toMatch(/Invalid configuration: PORT/);
  });

  it('refuses to start on a corrupt data file, naming it, and leaves it untouched', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'corrupt-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'staff.json'), '{"records":[{"id":"x"}]}');
    const error = await startServiceProcess({ DATA_DIR: dataDir }).catch((e: Error) => e);
    expect(String(error)).toMatch(/staff\.json records\.0\.role/);
    expect(await readFile(join(dataDir, 'staff.json'), 'utf8')).toBe('{"records":[{"id":"x"}]}');
  });
});
