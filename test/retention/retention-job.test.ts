import { beforeEach, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/retention/retention-job.js';
import type { DeliveryRecord } from '../../src/storage/records.js';
import { dataFiles, filesContaining, type PrivacyHarness, privacyHarness } from '../privacy/harness.js';
import { readStored } from '../support/data-files.js';
import { ON_POSTGRES } from '../support/storage.js';

const DAY = 24 * 60 * 60 * 1000;

let h: PrivacyHarness;
let job: RetentionJob;
beforeEach(async () => {
  h = await privacyHarness();
  job = new RetentionJob({ storage: h.storage, personalData: h.personalData, clock: h.clock, periods: h.periods });
});

const delivery = (citizenId: string, state: DeliveryRecord['state'], updatedAt: string): DeliveryRecord => ({
  id: `ann|${citizenId}`,
  announcementId: 'ann',
  citizenId,
  channel: 'web',
  state,
  reason: null,
  attempts: 1,
  updatedAt,
});

describe('retention job', () => {
  it('drops handoffs closed longer ago than their period, keeping open ones and recent ones', async () => {
    const base = {
      citizenId: 'web:x',
      channel: 'web' as const,
      userId: 'x',
      commune: '10507',
      assignee: 'canbo',
      createdAt: '2025-01-01T00:00:00.000Z',
      claimedAt: null,
      deadlineAt: null,
      messages: [{ id: 'm', at: '2025-01-01T00:00:00.000Z', from: 'citizen' as const, author: null, text: 'Câu hỏi cũ về hộ nghèo' }],
    };
    const closedAt = (iso: string) => ({ status: 'closed' as const, closedAt: iso, outcome: 'answered' as const });
    await h.storage.handoffs.save({ ...base, id: 'old', ...closedAt('2025-11-01T00:00:00.000Z') });
    await h.storage.handoffs.save({ ...base, id: 'recent', ...closedAt('2026-11-01T00:00:00.000Z') });
    await h.storage.handoffs.save({ ...base, id: 'open', status: 'open', closedAt: null, outcome: null });
    expect(h.periods.handoffDays).toBe(365);
    expect((await job.tick()).handoffs).toBe(1);
    expect((await h.storage.handoffs.forCitizen('web:x')).map((x) => x.id).sort()).toEqual(['open', 'recent']);
  });

  it('forgets citizens idle beyond the period, but not subscribers nor those with answers kept by consent', async () => {
    await h.say('xin chào', 'idle-visitor');
    await h.say('xin chào', 'subscriber');
    await h.registry.update('web:subscriber', { commune: '10507', subscribed: true, subscribedAt: h.clock.now().toISOString() });
    await h.say('xin chào', 'consenting');
    await h.consent.decide('web:consenting', true, h.clock.now());
    await h.consent.offerToKeep('web:consenting', 'screening', { members: 5 }, h.clock.now());
    await h.storage.deliveries.enqueue([delivery('web:idle-visitor', 'sent', h.clock.now().toISOString())]);

    h.clock.advance(29 * DAY);
    await h.say('xin chào', 'recent');
    expect((await job.tick()).idleCitizens).toBe(0);

    h.clock.advance(2 * DAY);
    const report = await job.tick();
    expect(report.idleCitizens).toBe(1);
    expect(await h.registry.get('web:idle-visitor')).toBeUndefined();
    expect(await h.storage.deliveries.forCitizen('web:idle-visitor')).toEqual([]);
    expect(await h.registry.get('web:subscriber')).toBeDefined();
    expect(await h.registry.get('web:consenting')).toBeDefined();
    expect(await h.registry.get('web:recent')).toBeDefined();
    const text = [...(await dataFiles(h.dataDir, h.storage)).values()].join('\n');
    expect(text).not.toContain('idle-visitor');

    // The kept answer expires after its own period; then its owner, idle all along, is forgotten too.
    h.clock.set(new Date(Date.parse('2026-11-28T03:00:00Z') + 366 * DAY));
    const later = await job.tick();
    expect(later.keptAnswers).toBe(1);
    expect(await h.registry.get('web:consenting')).toBeUndefined();
    expect(await h.registry.get('web:subscriber')).toBeDefined();
  });

  it('drops unanswered questions, finished deliveries, audit entries and journal hashes past their periods', async () => {
    const at = (daysAgo: number) => new Date(h.clock.now().getTime() - daysAgo * DAY).toISOString();
    await h.say('xin chào', 'subscriber');
    await h.registry.update('web:subscriber', { commune: '10507', subscribed: true, subscribedAt: at(0) });
    await h.storage.unanswered.add({ id: 'u-old', citizenId: 'web:subscriber', text: null, at: at(400) });
    await h.storage.unanswered.add({ id: 'u-new', citizenId: 'web:subscriber', text: null, at: at(10) });
    await h.storage.deliveries.enqueue([
      { ...delivery('web:subscriber', 'sent', at(800)), id: 'old-sent' },
      { ...delivery('web:subscriber', 'pending_window', at(800)), id: 'old-waiting' },
      { ...delivery('web:subscriber', 'sent', at(100)), id: 'recent-sent' },
    ]);
    await h.storage.audit.append({ id: 'audit-old', at: at(731), actor: 'admin', action: 'x', target: 'y' });
    await h.storage.audit.append({ id: 'audit-new', at: at(700), actor: 'admin', action: 'x', target: 'y' });
    await h.storage.journal.recordIfNew({ id: 'j-old', receivedAt: at(3), event: null, citizenId: null });
    await h.storage.journal.advance('j-old', 'done');
    await h.storage.journal.recordIfNew({ id: 'j-new', receivedAt: at(1), event: null, citizenId: null });
    await h.storage.journal.advance('j-new', 'done');
    // Unfinished events are resumed after a restart whatever their age.
    await h.storage.journal.recordIfNew({ id: 'j-unfinished', receivedAt: at(40), event: { x: 1 }, citizenId: 'web:subscriber' });

    const report = await job.tick();
    expect(report).toMatchObject({ unanswered: 1, deliveries: 1, auditEntries: 1, journalHashes: 1 });
    expect((await h.storage.unanswered.list()).map((u) => u.id)).toEqual(['u-new']);
    expect((await h.storage.deliveries.forCitizen('web:subscriber')).map((d) => d.id).sort()).toEqual(['old-waiting', 'recent-sent']);
    const audit = await h.storage.audit.list({ limit: 10 });
    expect(audit.map((a) => a.id)).toContain('audit-new');
    expect(audit.map((a) => a.id)).not.toContain('audit-old');
    // The run itself is audited, with counts only.
    expect(audit.find((a) => a.action === 'retention.purge')).toMatchObject({ actor: 'retention', details: report });
    expect((await readStored(h.dataDir, 'journal')).map((e) => e.id).sort()).toEqual(['j-new', 'j-unfinished']);
    // The run compacts: the purged hash is not left in a change log either.
    expect(await filesContaining(h.dataDir, h.storage, 'j-old')).toEqual([]);
  });

  // The embedded files' own property (PostgreSQL has no snapshot or change log).
  it.skipIf(ON_POSTGRES)('leaves every snapshot valid JSON and every change log empty after compacting', async () => {
    await h.say('xin chào', 'a');
    await h.say('xin chào', 'b');
    await h.storage.journal.recordIfNew({ id: 'j-1', receivedAt: h.clock.now().toISOString(), event: null, citizenId: null });
    await h.storage.deliveries.enqueue([delivery('web:a', 'sent', h.clock.now().toISOString())]);
    h.clock.advance(31 * DAY);
    await job.tick();
    const files = await dataFiles(h.dataDir, h.storage);
    for (const [name, text] of files) {
      if (name.endsWith('.log')) expect(text, name).toBe('');
      else expect(() => JSON.parse(text), name).not.toThrow();
    }
    expect([...files.keys()]).toEqual(expect.arrayContaining(['journal.log', 'deliveries.log']));
  });

  it('asks for a run on start and stops cleanly; a run in progress is not doubled', async () => {
    await h.say('xin chào', 'a');
    h.clock.advance(31 * DAY);
    const errors: unknown[] = [];
    let asked = 0;
    job.start(
      60,
      async () => {
        asked++;
      },
      (e) => errors.push(e),
    );
    expect(asked).toBe(1);
    const [first, second] = await Promise.all([job.tick(), job.tick()]);
    expect(first).toBe(second);
    await job.stop();
    expect(errors).toEqual([]);
    expect(await h.registry.get('web:a')).toBeUndefined();
  });
});
