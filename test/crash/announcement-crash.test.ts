import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { zaloCitizen } from '../support/citizens.js';
import { readCollection } from '../support/data-files.js';
import { type MockZalo, startMockZalo } from '../support/mock-zalo/server.js';
import { type ServiceProcess, startServiceProcess, waitForExit } from '../support/service-process.js';
import { finishedReport, login, postJson } from '../support/staff-http.js';

/**
 * An announcement to 300 Zalo subscribers, with the service SIGKILLed twice in the middle of the fan-out: once while
 * sending the first time and once while sending what the restart found not yet sent. Each kill comes the moment the
 * mock Zalo accepts a chosen message (so Zalo has it but the service never hears back), at a random count printed
 * in the test name. After the last restart every subscriber has the announcement exactly once, and the report's
 * counts equal what the mock Zalo received.
 */
const SUBSCRIBERS = 300;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
const ADMIN = { username: 'fanout-admin', password: 'mat-khau-fanout-123' };
const COMMUNE = '10507';

if (!existsSync('dist/main.js')) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

// Two kill points from the seed: one in the first third of the fan-out, one later (a different batch).
const firstKill = 1 + (SEED % 99);
const secondKill = 120 + (Math.floor(SEED / 100) % 150);

const zalo: MockZalo = await startMockZalo();
const dataDir = await mkdtemp(join(tmpdir(), 'fanout-crash-'));
afterAll(async () => {
  await zalo.close();
  await rm(dataDir, { recursive: true, force: true });
});

const start = () =>
  startServiceProcess({
    ...zalo.env(),
    DATA_DIR: dataDir,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    QUIET_HOURS: '',
    // 100 deliveries marked `sending` per storage write: three batches, so the kills land in different ones.
    ZALO_MAX_REQUESTS_PER_MINUTE: '1200',
  });


/** SIGKILLs the service the moment the mock accepts its `count`-th message of the fan-out; resolves once it is dead. */
function killAtMessage(service: ServiceProcess, count: number): Promise<void> {
  return new Promise((resolve) => {
    const stop = zalo.onMessage(() => {
      if (zalo.messages.length < count) return;
      stop();
      service.child.kill('SIGKILL');
      void waitForExit(service.child).then(() => resolve());
    });
  });
}

it(`SIGKILL at Zalo's message ${firstKill} and again at ${secondKill} of ${SUBSCRIBERS}: none lost, none doubled, the report equals what Zalo received (seed ${SEED})`, async () => {
  const now = new Date().toISOString();
  const users = Array.from({ length: SUBSCRIBERS }, (_, k) => `71000000000000${String(k).padStart(4, '0')}`);
  await writeFile(
    join(dataDir, 'citizens.json'),
    `{"records":[\n${users.map((u) => JSON.stringify(zaloCitizen(u, { commune: COMMUNE, at: now }))).join(',\n')}\n]}\n`,
  );
  for (const userId of users) zalo.setUser(userId, { follower: true, lastInteractionAt: Date.now() });

  let service = await start();
  let killed = killAtMessage(service, firstKill);
  const created = await postJson(
    `${service.url}/api/announcements`,
    { title: 'Lịch chi trả trợ cấp Tết', body: 'Chi trả trợ cấp Tết cho hộ nghèo từ 8 giờ sáng thứ Hai tại UBND xã.', communes: [COMMUNE], channels: ['zalo'] },
    { cookie: await login(service.url, ADMIN) },
  ).then((r) => r.json() as Promise<{ id: string }>, () => null);
  await killed;
  // An early kill may cut the 201 off; the announcement is stored before anything is sent.
  const id = created?.id ?? String((await readCollection(dataDir, 'announcements'))[0]!.id);
  expect(zalo.messages.length).toBeLessThan(SUBSCRIBERS);

  service = await start();
  killed = killAtMessage(service, secondKill);
  await killed;
  expect(zalo.messages.length).toBeLessThan(SUBSCRIBERS);

  service = await start();
  const { report } = await finishedReport(service.url, await login(service.url, ADMIN), id);
  service.child.kill('SIGTERM');
  expect(await waitForExit(service.child)).toBe(0);

  const perUser = new Map<string, number>();
  for (const m of zalo.messages) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
  const lost = users.filter((u) => !perUser.has(u));
  const doubled = users.filter((u) => (perUser.get(u) ?? 0) > 1);
  console.info(
    `fan-out crash test, seed ${SEED}: killed at messages ${firstKill} and ${secondKill}; ${perUser.size} of ${SUBSCRIBERS} ` +
      `received, ${lost.length} lost, ${doubled.length} doubled; report ${JSON.stringify(report.zalo.counts)}`,
  );
  expect(lost).toEqual([]);
  expect(doubled).toEqual([]);
  expect(report.zalo.total).toBe(SUBSCRIBERS);
  expect(report.zalo.counts).toMatchObject({ sent: zalo.messages.length, failed: 0, queued: 0, sending: 0 });
}, 240_000);
