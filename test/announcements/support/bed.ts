import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { type Announcements, createAnnouncements } from '../../../src/announcements/announcements.js';
import type { QuietHours } from '../../../src/announcements/quiet-hours.js';
import { WebPushHub } from '../../../src/channels/web/push-hub.js';
import type { ServerFrame } from '../../../src/channels/web/wire.js';
import { ZaloClient } from '../../../src/channels/zalo/client.js';
import { ZaloSentCheck } from '../../../src/channels/zalo/sent-check.js';
import { ZaloTokenManager } from '../../../src/channels/zalo/token-manager.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig, zaloSettings } from '../../../src/config.js';
import { loadCommunes } from '../../../src/content/communes.js';
import type { CommuneDirectory } from '../../../src/domain/communes.js';
import { AuditLog } from '../../../src/staff/audit-log.js';
import type { StaffIdentity } from '../../../src/staff/scope.js';
import type { CitizenRecord } from '../../../src/storage/records.js';
import type { Storage } from '../../../src/storage/repositories.js';
import { zaloCitizen } from '../../support/citizens.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { openTestStorage } from '../../support/storage.js';

/** Two real communes of content/communes.json used throughout the tests. */
export const COMMUNE_A = '10813'; // xã Thanh Hà
export const COMMUNE_B = '11560'; // phường Thủy Nguyên
export const DAY_MS = 24 * 3_600_000;

export const officerOf = (...communes: string[]): StaffIdentity => ({
  username: `officer-${communes.join('-')}`,
  displayName: 'Cán bộ',
  role: 'officer',
  communes,
});

export interface AnnouncementBed {
  clock: ManualClock;
  mock: MockZalo;
  storage: Storage;
  communes: CommuneDirectory;
  module: Announcements;
  /** Frames pushed to an open widget of each commune. */
  pushed: Map<string, ServerFrame[]>;
  hub: WebPushHub;
  /** A Zalo citizen of a commune, known to the mock; `lastSeenDaysAgo` sets both sides' last interaction. */
  addZaloCitizen(userId: string, commune: string, options?: { subscribed?: boolean; lastSeenDaysAgo?: number }): Promise<CitizenRecord>;
  /** Stops the module gracefully, reopens storage from disk and starts a fresh module (a service restart). */
  restart(): Promise<void>;
  /** Another instance of the module on the same storage (as a second process on one PostgreSQL), started. */
  anotherInstance(): Promise<Announcements>;
  close(): Promise<void>;
}

/**
 * The announcement module on real lowdb storage in a temp dir, sending through the real Zalo client to the mock
 * Zalo, with a real widget push hub; one ManualClock for all (10:00 in Hải Phòng at the start).
 */
export async function startAnnouncementBed(
  options: { zalo?: boolean; quietHours?: QuietHours | null; batchSize?: number; start?: string; leaseMs?: number } = {},
): Promise<AnnouncementBed> {
  const clock = new ManualClock(options.start ?? '2026-11-28T03:00:00Z');
  const dataDir = await mkdtemp(join(tmpdir(), 'announcements-test-'));
  const mock = await MockZalo.start({ clock, rateLimitPerMinute: 1_000_000 });
  const config = loadConfig({ ...mock.env(), LOG_LEVEL: 'silent', DATA_DIR: dataDir, ZALO_MAX_REQUESTS_PER_MINUTE: '100000' });
  const settings = zaloSettings(config)!;
  const log = pino({ level: process.env.BED_LOG ?? 'silent' }) as unknown as FastifyBaseLogger;
  const communes = await loadCommunes('content');
  const hub = new WebPushHub();
  const pushed = new Map<string, ServerFrame[]>();
  for (const commune of [COMMUNE_A, COMMUNE_B]) {
    pushed.set(commune, []);
    hub.subscribe(commune, (frame) => pushed.get(commune)!.push(JSON.parse(frame)));
  }

  const others: Announcements[] = [];
  const moduleOn = async (storage: Storage) => {
    const tokens = new ZaloTokenManager({ settings, repo: storage.tokens, clock, log });
    const client = new ZaloClient({ settings, tokens, log, retry: { baseDelayMs: 1 } });
    const module = createAnnouncements({
      storage,
      communes,
      audit: new AuditLog(storage.audit, clock),
      clock,
      quietHours: options.quietHours === undefined ? null : options.quietHours,
      zalo: options.zalo === false ? null : client,
      sentCheck: options.zalo === false ? null : new ZaloSentCheck(client),
      web: hub,
      log,
      tickMs: 3_600_000,
      maxRequestsPerMinute: 100_000,
      batchSize: options.batchSize,
      leaseMs: options.leaseMs,
    });
    await module.start();
    // The start's own first tick, done: a test's tick after moving the clock is then a tick of its own.
    await module.tick();
    return module;
  };
  const open = async () => {
    const storage = await openTestStorage(dataDir);
    return { storage, module: await moduleOn(storage) };
  };

  let current = await open();
  const bed: AnnouncementBed = {
    clock,
    mock,
    communes,
    hub,
    pushed,
    get storage() {
      return current.storage;
    },
    get module() {
      return current.module;
    },
    async addZaloCitizen(userId, commune, { subscribed = true, lastSeenDaysAgo = 1 } = {}) {
      const seen = clock.now().getTime() - lastSeenDaysAgo * DAY_MS;
      mock.setUser(userId, { lastInteractionAt: seen });
      const at = new Date(seen).toISOString();
      const record = zaloCitizen(userId, { commune, subscribed, at });
      await current.storage.citizens.save(record);
      return record;
    },
    async anotherInstance() {
      const module = await moduleOn(current.storage);
      others.push(module);
      return module;
    },
    async restart() {
      await current.module.stop();
      await current.storage.flush();
      current = await open();
    },
    async close() {
      for (const other of others) await other.stop();
      await current.module.stop();
      await current.storage.flush();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return bed;
}

/** Many Zalo citizens of one commune at once (one storage write). */
export async function addManyZaloCitizens(bed: AnnouncementBed, count: number, commune: string, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
  await Promise.all(ids.map((id) => bed.addZaloCitizen(id, commune)));
  return ids;
}
