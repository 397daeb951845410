import { afterEach, describe, expect, it } from 'vitest';
import { deliveryBatchSize } from '../../src/announcements/announcements.js';
import { REASON } from '../../src/announcements/delivery-reasons.js';
import type { TurnContext } from '../../src/engine/types.js';
import {
  type AnnouncementBed,
  addManyZaloCitizens,
  COMMUNE_A,
  COMMUNE_B,
  DAY_MS,
  officerOf,
  startAnnouncementBed,
} from './support/bed.js';

let bed: AnnouncementBed;
afterEach(async () => {
  await bed?.close();
});

const announce = (communes: string[] | 'all' = [COMMUNE_A], extra: { scheduledAt?: string; channels?: ('zalo' | 'web')[] } = {}) =>
  bed.module.service.create(
    communes === 'all' ? { username: 'admin', displayName: 'QTV', role: 'admin', communes: [] } : officerOf(...communes),
    { title: 'Lịch rà soát hộ nghèo', body: 'Tổ rà soát sẽ đến từng hộ từ ngày 1/12.', communes, channels: extra.channels ?? ['zalo', 'web'], scheduledAt: extra.scheduledAt },
  );
const reportOf = async (id: string) => (await bed.module.service.report({ username: 'admin', displayName: '', role: 'admin', communes: [] }, id)).report;
const receivers = () => bed.mock.messages.map((m) => m.userId).sort();
const countBy = <T>(items: T[], key: (t: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('announcement delivery', () => {
  it('reaches exactly the subscribers of the commune inside the 7-day window, marks the others and tells the officer why', async () => {
    bed = await startAnnouncementBed();
    await bed.addZaloCitizen('100', COMMUNE_A);
    await bed.addZaloCitizen('101', COMMUNE_A, { lastSeenDaysAgo: 6.9 });
    await bed.addZaloCitizen('102', COMMUNE_A, { lastSeenDaysAgo: 8 });
    await bed.addZaloCitizen('103', COMMUNE_A, { subscribed: false });
    await bed.addZaloCitizen('200', COMMUNE_B);

    const created = await announce();
    await bed.module.tick();

    expect(receivers()).toEqual(['100', '101']);
    expect(bed.mock.messages[0]!.text).toMatch(/^📢 Thông báo của UBND xã Thanh Hà\nLịch rà soát hộ nghèo\n/);
    expect(bed.mock.messages[0]!.text).toContain('Nhắn "hủy đăng ký" để ngừng nhận thông báo.');
    const report = await reportOf(created.id);
    expect(report.zalo!.counts).toMatchObject({ sent: 2, pending_window: 1, skipped: 1, queued: 0, sending: 0, failed: 0 });
    expect(report.zalo!.reasons).toEqual([{ state: 'skipped', reason: REASON.unsubscribed, label: 'Đã hủy đăng ký nhận thông báo', count: 1 }]);
    // Web: in commune A's feed and pushed live to A's open widget, not B's.
    expect(report.web!.counts.sent).toBe(1);
    expect(bed.pushed.get(COMMUNE_A)).toEqual([{ type: 'announcement', announcement: expect.objectContaining({ id: created.id }) }]);
    expect(bed.pushed.get(COMMUNE_B)).toEqual([]);
    expect((await bed.module.service.feed(COMMUNE_A)).map((a) => a.id)).toEqual([created.id]);
    expect(await bed.module.service.feed(COMMUNE_B)).toEqual([]);
  });

  it('sends every message exactly once across a graceful restart halfway through 5,000 subscribers', async () => {
    bed = await startAnnouncementBed({ batchSize: 250 });
    const users = await addManyZaloCitizens(bed, 5000, COMMUNE_A, '7');
    let stopping: Promise<void> | null = null;
    bed.mock.onMessage(() => {
      if (bed.mock.messages.length === 2000) stopping = bed.module.stop();
    });

    const created = await announce();
    await bed.module.tick();
    await stopping;
    const beforeRestart = bed.mock.messages.length;
    expect(beforeRestart).toBeGreaterThanOrEqual(2000);
    expect(beforeRestart).toBeLessThan(5000);

    await bed.restart();
    await bed.module.tick();

    const perUser = countBy(bed.mock.messages, (m) => m.userId);
    expect(Object.keys(perUser)).toHaveLength(5000);
    expect(users.every((u) => perUser[u] === 1)).toBe(true);
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 5000, queued: 0, sending: 0, failed: 0 });
  }, 120_000);

  it('decides each delivery a crash left "sending" by the Zalo conversation history: there → sent, absent → sent now, unknown → reported', async () => {
    bed = await startAnnouncementBed();
    for (const userId of ['300', '301', '302', '303']) await bed.addZaloCitizen(userId, COMMUNE_A);
    const created = await announce([COMMUNE_A], { channels: ['zalo'] });
    await bed.module.tick();
    expect(receivers()).toEqual(['300', '301', '302', '303']);

    // The states a crash leaves: 301 reached Zalo but its result was not written; 302 and 303 were marked and the
    // process died before the call. 303's history cannot be read after the restart.
    const deliveries = await bed.storage.deliveries.forAnnouncement(created.id);
    const crashed = (citizenId: string) => ({ ...deliveries.find((d) => d.citizenId === citizenId)!, state: 'sending' as const, reason: null });
    await bed.storage.deliveries.update([crashed('zalo:301'), crashed('zalo:302'), crashed('zalo:303')]);
    bed.mock.messages.splice(bed.mock.messages.findIndex((m) => m.userId === '302'), 1);
    bed.mock.messages.splice(bed.mock.messages.findIndex((m) => m.userId === '303'), 1);
    bed.mock.failNextHistoryRead('303', -201);
    await bed.restart();
    await bed.module.tick();

    expect(receivers()).toEqual(['300', '301', '302']);
    const report = (await reportOf(created.id)).zalo!;
    expect(report.counts).toMatchObject({ sent: 3, failed: 1, sending: 0, queued: 0 });
    expect(report.reasons).toEqual([
      expect.objectContaining({ state: 'sent', reason: REASON.sentBeforeRestart, count: 1 }),
      expect.objectContaining({ state: 'failed', reason: REASON.interrupted, label: expect.stringMatching(/^Không chắc đã gửi/) }),
    ]);
    const byCitizen = new Map((await bed.storage.deliveries.forAnnouncement(created.id)).map((d) => [d.citizenId, d]));
    expect(byCitizen.get('zalo:301')).toMatchObject({ state: 'sent', reason: REASON.sentBeforeRestart });
    expect(byCitizen.get('zalo:302')).toMatchObject({ state: 'sent', reason: null });
    expect(byCitizen.get('zalo:303')).toMatchObject({ state: 'failed', reason: REASON.interrupted });
  });

  it('delivers pending announcements as a short notice when the citizen writes again, and only to subscribers', async () => {
    bed = await startAnnouncementBed();
    await bed.addZaloCitizen('400', COMMUNE_A, { lastSeenDaysAgo: 10 });
    await bed.addZaloCitizen('401', COMMUNE_A, { lastSeenDaysAgo: 10 });
    const first = await announce();
    await bed.module.tick();
    expect(bed.mock.messages).toEqual([]);

    const { ConversationEngine } = await import('../../src/engine/engine.js');
    const { SessionStore } = await import('../../src/engine/session-store.js');
    const { zaloCapabilities } = await import('../../src/channels/zalo/capabilities.js');
    const echo = { name: 'echo', intents: ['help', 'fallback'], handleIntent: () => ({ replies: [{ text: 'Trả lời.' }] }) };
    const engine = new ConversationEngine({
      parser: { parse: (text) => ({ text, intent: { name: 'fallback', confidence: 0 }, ranking: [], entities: [] }) },
      skills: [echo],
      sessions: new SessionStore({ repo: bed.storage.sessions, clock: bed.clock, idleMinutes: 30 }),
      clock: bed.clock,
      capabilities: { web: zaloCapabilities(false), zalo: zaloCapabilities(false) },
      hooks: [bed.module.pendingHook],
    });
    // 401 unsubscribes before writing again: the pending announcement is dropped, not announced.
    const citizen401 = (await bed.storage.citizens.get('zalo:401'))!;
    await bed.storage.citizens.save({ ...citizen401, subscribed: false });

    const replies = await engine.handle({ channel: 'zalo', userId: '400', text: 'xin chào' });
    expect(replies.map((r) => r.text)).toEqual([
      'Bạn có 1 thông báo mới từ xã Thanh Hà:\n• Lịch rà soát hộ nghèo\nNhắn "xem thông báo" để đọc đầy đủ.',
      'Trả lời.',
    ]);
    expect((await engine.handle({ channel: 'zalo', userId: '400', text: 'xin chào' })).map((r) => r.text)).toEqual(['Trả lời.']);
    expect((await engine.handle({ channel: 'zalo', userId: '401', text: 'xin chào' })).map((r) => r.text)).toEqual(['Trả lời.']);

    const report = (await reportOf(first.id)).zalo!;
    expect(report.counts).toMatchObject({ sent: 1, pending_window: 0, skipped: 1 });
    expect(report.reasons.map((r) => [r.state, r.reason])).toEqual(
      expect.arrayContaining([
        ['sent', REASON.onNextMessage],
        ['skipped', REASON.unsubscribed],
      ]),
    );
  });

  it('waits through quiet hours, re-checking subscription and window when it sends', async () => {
    bed = await startAnnouncementBed({ quietHours: { fromMinute: 21 * 60, toMinute: 7 * 60 }, start: '2026-11-28T15:00:00Z' }); // 22:00
    await bed.addZaloCitizen('500', COMMUNE_A);
    await bed.addZaloCitizen('501', COMMUNE_A);
    const created = await announce();
    await bed.module.tick();
    expect(bed.mock.messages).toEqual([]);
    expect((await reportOf(created.id)).zalo!.counts.queued).toBe(2);
    // Published at once on the web, only Zalo waits.
    expect(bed.pushed.get(COMMUNE_A)).toHaveLength(1);

    const citizen = (await bed.storage.citizens.get('zalo:501'))!;
    await bed.storage.citizens.save({ ...citizen, subscribed: false });
    bed.clock.set('2026-11-28T23:59:00Z'); // 06:59
    await bed.module.tick();
    expect(bed.mock.messages).toEqual([]);
    bed.clock.set('2026-11-29T00:00:00Z'); // 07:00
    await bed.module.tick();
    expect(receivers()).toEqual(['500']);
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 1, skipped: 1, queued: 0 });
  });

  it('publishes a scheduled announcement when its time comes, and a withdrawn one never', async () => {
    bed = await startAnnouncementBed();
    await bed.addZaloCitizen('600', COMMUNE_A);
    const inAnHour = new Date(bed.clock.now().getTime() + 3_600_000).toISOString();
    const kept = await announce([COMMUNE_A], { scheduledAt: inAnHour });
    const dropped = await announce([COMMUNE_A], { scheduledAt: inAnHour });
    expect(kept.status).toBe('scheduled');
    await bed.module.tick();
    expect(bed.mock.messages).toEqual([]);
    expect(await bed.module.service.feed(COMMUNE_A)).toEqual([]);

    await bed.module.service.withdraw(officerOf(COMMUNE_A), dropped.id);
    bed.clock.advance(60_000);
    const meanwhile = await announce([COMMUNE_A], { channels: ['web'] });
    bed.clock.advance(3_600_000);
    await bed.module.tick();
    expect(bed.mock.messages).toHaveLength(1);
    // The feed orders by publication: the scheduled one, written first, went out last.
    expect((await bed.module.service.feed(COMMUNE_A)).map((a) => a.id)).toEqual([kept.id, meanwhile.id]);
    expect((await reportOf(kept.id)).zalo!.counts.sent).toBe(1);
    expect((await reportOf(dropped.id)).zalo!.total).toBe(0);
  });

  it('withdrawing stops what is still queued or pending and removes it from the feed', async () => {
    bed = await startAnnouncementBed({ quietHours: { fromMinute: 21 * 60, toMinute: 7 * 60 }, start: '2026-11-28T15:00:00Z' });
    await bed.addZaloCitizen('700', COMMUNE_A);
    await bed.addZaloCitizen('701', COMMUNE_A, { lastSeenDaysAgo: 9 });
    const created = await announce();
    await bed.module.service.withdraw(officerOf(COMMUNE_A), created.id);
    bed.clock.set('2026-11-29T01:00:00Z');
    await bed.module.tick();

    expect(bed.mock.messages).toEqual([]);
    expect(await bed.module.service.feed(COMMUNE_A)).toEqual([]);
    const report = (await reportOf(created.id)).zalo!;
    expect(report.counts).toMatchObject({ skipped: 2, queued: 0, pending_window: 0 });
    expect(report.reasons[0]).toMatchObject({ reason: REASON.withdrawn, count: 2 });
  });

  it('records Zalo’s refusals with Zalo’s reason, and a -230 as pending rather than failed', async () => {
    bed = await startAnnouncementBed();
    await bed.addZaloCitizen('800', COMMUNE_A);
    await bed.addZaloCitizen('801', COMMUNE_A);
    await bed.addZaloCitizen('802', COMMUNE_A);
    // Not following and silent for 8 days: Zalo says -213 (within 7 days it would deliver, follower or not).
    bed.mock.setUser('801', { follower: false, lastInteractionAt: bed.clock.now().getTime() - 8 * DAY_MS });
    // Zalo's record of 802's last interaction is older than ours: Zalo says -230.
    bed.mock.setUser('802', { lastInteractionAt: bed.clock.now().getTime() - 8 * DAY_MS });
    const created = await announce();
    await bed.module.tick();

    expect(receivers()).toEqual(['800']);
    const report = (await reportOf(created.id)).zalo!;
    expect(report.counts).toMatchObject({ sent: 1, failed: 1, pending_window: 1 });
    expect(report.reasons).toEqual([
      { state: 'failed', reason: expect.stringMatching(/^zalo:not_follower: .*-213/), label: 'Người dân chưa quan tâm (theo dõi) Zalo OA', count: 1 },
    ]);
  });

  it('pauses on Zalo’s rate limit and resumes in the next minute without losing the delivery', async () => {
    bed = await startAnnouncementBed();
    await bed.addZaloCitizen('900', COMMUNE_A);
    bed.mock.failNextSends(-32, 5); // more than the client's own retries
    const created = await announce();
    await bed.module.tick();
    expect(bed.mock.messages).toEqual([]);
    expect((await reportOf(created.id)).zalo!.counts.queued).toBe(1);

    bed.clock.advance(61_000);
    await bed.module.tick();
    expect(receivers()).toEqual(['900']);
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 1, failed: 0 });
  });

  it('records Zalo deliveries as skipped when Zalo is not configured; the web still gets it', async () => {
    bed = await startAnnouncementBed({ zalo: false });
    await bed.addZaloCitizen('950', COMMUNE_A);
    const created = await announce();
    await bed.module.tick();
    const report = await reportOf(created.id);
    expect(report.zalo!.reasons).toEqual([{ state: 'skipped', reason: REASON.zaloOff, label: 'Zalo chưa được cấu hình', count: 1 }]);
    expect(report.web!.counts.sent).toBe(1);
  });
});

describe('several instances on one storage (with a lease, as on PostgreSQL)', () => {
  const LEASE_MS = 60_000;

  it('publish a due announcement once and send each delivery once, each claiming batches', async () => {
    bed = await startAnnouncementBed({ leaseMs: LEASE_MS, batchSize: 40 });
    const users = await addManyZaloCitizens(bed, 400, COMMUNE_A, '8');
    const second = await bed.anotherInstance();
    const inAnHour = new Date(bed.clock.now().getTime() + 3_600_000).toISOString();
    const created = await announce([COMMUNE_A], { scheduledAt: inAnHour });
    bed.clock.advance(3_600_000);
    await Promise.all([bed.module.tick(), second.tick(), bed.module.tick(), second.tick()]);

    const perUser = countBy(bed.mock.messages, (m) => m.userId);
    expect(users.every((u) => perUser[u] === 1)).toBe(true);
    expect(bed.mock.messages).toHaveLength(400);
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 400, queued: 0, sending: 0, failed: 0 });
    const published = (await bed.storage.audit.list({ limit: 50 })).filter((e) => e.action === 'announcement.publish');
    expect(published.map((e) => e.target)).toEqual([created.id]);
    expect(bed.pushed.get(COMMUNE_A)).toHaveLength(1);
  });

  it('leave a delivery another instance is sending alone until its lease has run out, then decide it by the history', async () => {
    bed = await startAnnouncementBed({ leaseMs: LEASE_MS });
    for (const userId of ['310', '311']) await bed.addZaloCitizen(userId, COMMUNE_A);
    const created = await announce([COMMUNE_A], { channels: ['zalo'] });
    await bed.module.tick();
    expect(receivers()).toEqual(['310', '311']);
    // 311 was marked sending by an instance that died before calling Zalo.
    const deliveries = await bed.storage.deliveries.forAnnouncement(created.id);
    const marked = { ...deliveries.find((d) => d.citizenId === 'zalo:311')!, state: 'sending' as const, updatedAt: bed.clock.now().toISOString() };
    await bed.storage.deliveries.update([marked]);
    bed.mock.messages.splice(bed.mock.messages.findIndex((m) => m.userId === '311'), 1);

    const other = await bed.anotherInstance();
    bed.clock.advance(LEASE_MS - 1000);
    await other.tick();
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 1, sending: 1 });
    expect(receivers()).toEqual(['310']);
    bed.clock.advance(2000);
    await other.tick();
    expect(receivers()).toEqual(['310', '311']);
    expect((await reportOf(created.id)).zalo!.counts).toMatchObject({ sent: 2, sending: 0, queued: 0 });
  });

  it('tell a citizen who writes to another instance about the announcements waiting for them', async () => {
    bed = await startAnnouncementBed({ leaseMs: LEASE_MS });
    const other = await bed.anotherInstance();
    await bed.addZaloCitizen('410', COMMUNE_A, { lastSeenDaysAgo: 10 });
    await announce();
    await bed.module.tick();
    // The announcement was published by the first instance; the citizen's message reaches the other.
    const turn = { message: { channel: 'zalo', userId: '410', text: 'xin chào' }, now: bed.clock.now() } as unknown as TurnContext;
    expect((await other.pendingHook.before!(turn)).map((r) => r.text)).toEqual([
      'Bạn có 1 thông báo mới từ xã Thanh Hà:\n• Lịch rà soát hộ nghèo\nNhắn "xem thông báo" để đọc đầy đủ.',
    ]);
  });

  it('take over an announcement left publishing once its lease has run out', async () => {
    bed = await startAnnouncementBed({ leaseMs: LEASE_MS });
    await bed.addZaloCitizen('320', COMMUNE_A);
    // As a dead instance left it: publishing, no delivery written yet.
    const at = bed.clock.now().toISOString();
    await bed.storage.announcements.save({
      id: 'stalled', title: 'Lịch tiêm chủng', body: 'Tiêm chủng mở rộng tại trạm y tế xã.', communes: [COMMUNE_A], channels: ['zalo', 'web'],
      author: 'officer', createdAt: at, scheduledAt: null, publishedAt: at, status: 'publishing', withdrawnAt: null, withdrawnBy: null,
    });
    await bed.module.tick();
    expect((await bed.storage.announcements.get('stalled'))!.status).toBe('publishing');
    bed.clock.advance(LEASE_MS + 1000);
    await bed.module.tick();
    await bed.module.tick();
    expect((await bed.storage.announcements.get('stalled'))!.status).toBe('published');
    expect(receivers()).toEqual(['320']);
  });
});

describe('delivery batches', () => {
  it('hold about 5 seconds of sending at the configured rate, within 50–2,000', () => {
    expect(deliveryBatchSize(4000)).toBe(334);
    expect(deliveryBatchSize(100)).toBe(50);
    expect(deliveryBatchSize(100_000)).toBe(2000);
  });

  it('take at most a quarter of the lease at that rate when several instances share the work', () => {
    expect(deliveryBatchSize(4000, 300_000)).toBe(334);
    expect(deliveryBatchSize(1200, 10_000)).toBe(50);
    expect(deliveryBatchSize(60, 10_000)).toBe(2);
    expect(deliveryBatchSize(1, 5_000)).toBe(1);
  });
});
