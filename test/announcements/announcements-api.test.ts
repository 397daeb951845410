import { afterEach, describe, expect, it } from 'vitest';
import { zaloCitizen } from '../support/citizens.js';
import { openTestStorage } from '../support/storage.js';
import { ADMIN, type ConsoleApp, startConsoleApp } from './support/app-bed.js';
import { COMMUNE_A, COMMUNE_B, DAY_MS } from './support/bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

const body = { title: 'Lịch rà soát hộ nghèo', body: 'Tổ rà soát đến từng hộ từ ngày 1/12.', channels: ['zalo', 'web'] };
const isAnnouncement = (text: string) => text.startsWith('📢 Thông báo của UBND');
const announcementsTo = (userId: string) => bed.mock!.messagesTo(userId).filter((m) => isAnnouncement(m.text));
/** A Zalo user writes to the OA; resolves with what the service answered (a turn may be several messages). */
async function says(userId: string, text: string): Promise<string[]> {
  const before = bed.mock!.messagesTo(userId).length;
  expect((await bed.mock!.userSendsText(userId, text)).status).toBe(200);
  await bed.mock!.waitForMessages(userId, before + 1);
  // Every message of the turn is out before the next one starts (its replies are counted from here).
  await bed.app.zaloInbox!.idle();
  return bed.mock!.messagesTo(userId).slice(before).map((m) => m.text);
}

describe('announcements API with Zalo', () => {
  it('reaches exactly the subscribers of A inside the window (counted at the mock), then the others when they next write', async () => {
    bed = await startConsoleApp({ zalo: true });
    // Subscribing in the chat, as citizens do.
    expect((await says('5000000000000000001', 'đăng ký nhận thông báo xã Thanh Hà')).join('\n')).toContain(
      'Đã đăng ký nhận thông báo của xã Thanh Hà.',
    );
    bed.clock.advance(8 * DAY_MS); // 0001 is now outside Zalo's 7-day window
    await says('5000000000000000002', 'dang ky nhan thong bao xa thanh ha');
    await says('5000000000000000003', 'đăng ký nhận thông báo');
    expect((await says('5000000000000000003', 'Thanh Hà'))[0]).toContain('Đã đăng ký nhận thông báo của xã Thanh Hà.');
    await says('5000000000000000004', 'đăng ký nhận thông báo xã Thanh Hà');
    expect((await says('5000000000000000004', 'hủy đăng ký')).join('\n')).toContain('Bạn muốn hủy đăng ký');
    expect((await says('5000000000000000004', 'có')).join('\n')).toContain('Đã hủy đăng ký.');
    await says('5000000000000000005', 'đăng ký nhận thông báo phường Thủy Nguyên');
    const beforeAnnouncement = bed.mock!.messages.length;

    const officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    const created = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: officer, payload: { ...body, communes: [COMMUNE_A] } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    await bed.app.announcements.tick();

    const sent = bed.mock!.messages.slice(beforeAnnouncement);
    expect(sent.map((m) => m.userId).sort()).toEqual(['5000000000000000002', '5000000000000000003']);
    expect(sent.every((m) => isAnnouncement(m.text))).toBe(true);
    const report = await bed.inject({ method: 'GET', url: `/api/announcements/${id}`, cookie: officer });
    expect(report.json()).toMatchObject({
      announcement: { id, status: 'published', author: 'canbo-thanhha', communes: [COMMUNE_A] },
      report: {
        zalo: { total: 4, counts: { sent: 2, pending_window: 1, skipped: 1, failed: 0, queued: 0 } },
        web: { total: 1, counts: { sent: 1 } },
      },
    });
    expect(report.json().report.zalo.reasons).toEqual([
      { state: 'skipped', reason: 'unsubscribed', label: 'Đã hủy đăng ký nhận thông báo', count: 1 },
    ]);

    // The citizen outside the window writes again: first the notice, then the answer; never the announcement twice.
    const replies = await says('5000000000000000001', 'xin chào');
    expect(replies[0]).toBe('Bạn có 1 thông báo mới từ xã Thanh Hà:\n• Lịch rà soát hộ nghèo\nNhắn "xem thông báo" để đọc đầy đủ.');
    const full = await says('5000000000000000001', 'xem thông báo');
    expect(full[0]).toMatch(/^📢 Lịch rà soát hộ nghèo \(\d\d\/\d\d\/2026\)\n\nTổ rà soát đến từng hộ từ ngày 1\/12\.$/);
    await says('5000000000000000001', 'xin chào');
    expect(bed.mock!.messagesTo('5000000000000000001').filter((m) => m.text.startsWith('Bạn có 1 thông báo mới'))).toHaveLength(1);
    const after = (await bed.inject({ method: 'GET', url: `/api/announcements/${id}`, cookie: officer })).json();
    expect(after.report.zalo.counts).toMatchObject({ sent: 3, pending_window: 0 });
    expect(after.report.zalo.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ state: 'sent', reason: 'on_next_message', count: 1 })]),
    );

    // Unsubscribed and other-commune citizens got nothing.
    expect(announcementsTo('5000000000000000004')).toEqual([]);
    expect(announcementsTo('5000000000000000005')).toEqual([]);

    // The public feed of A has it; B's does not.
    const feedA = await bed.inject({ method: 'GET', url: `/api/announcements?commune=${COMMUNE_A}` });
    expect(feedA.json()).toEqual({
      commune: COMMUNE_A,
      announcements: [{ id, title: body.title, body: body.body, publishedAt: expect.any(String) }],
    });
    expect((await bed.inject({ method: 'GET', url: `/api/announcements?commune=${COMMUNE_B}` })).json().announcements).toEqual([]);
  });

  it('sends every message exactly once when the service restarts halfway through 5,000 subscribers', async () => {
    bed = await startConsoleApp({ zalo: true });
    const users = Array.from({ length: 5000 }, (_, i) => `6${String(i).padStart(18, '0')}`);
    // Subscribers already on file (as left by earlier conversations), written while the service is down.
    await bed.app.close();
    const storage = await openTestStorage(bed.dataDir);
    const at = bed.clock.now().toISOString();
    await Promise.all(
      users.map((userId) => {
        bed.mock!.setUser(userId, { lastInteractionAt: bed.clock.now().getTime() });
        return storage.citizens.save(zaloCitizen(userId, { commune: COMMUNE_A, at }));
      }),
    );
    await storage.flush();
    await bed.restart();

    let stopped: Promise<void> | null = null;
    bed.mock!.onMessage(() => {
      if (bed.mock!.messages.length === 2000) stopped = bed.app.close();
    });
    const admin = await bed.login(ADMIN);
    const created = await bed.inject({ method: 'POST', url: '/api/announcements', cookie: admin, payload: { ...body, communes: [COMMUNE_A] } });
    expect(created.statusCode).toBe(201);
    await bed.app.announcements.tick();
    await stopped;
    const beforeRestart = bed.mock!.messages.length;
    expect(beforeRestart).toBeGreaterThanOrEqual(2000);
    expect(beforeRestart).toBeLessThan(5000);

    await bed.restart();
    await bed.app.announcements.tick();
    const perUser = new Map<string, number>();
    for (const m of bed.mock!.messages) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1);
    expect(perUser.size).toBe(5000);
    expect(users.filter((u) => perUser.get(u) !== 1)).toEqual([]);
    const report = await bed.inject({ method: 'GET', url: `/api/announcements/${created.json().id}`, cookie: await bed.login(ADMIN) });
    expect(report.json().report.zalo.counts).toMatchObject({ sent: 5000, queued: 0, sending: 0, failed: 0 });
  }, 180_000);

  it('validates announcements: lengths, known communes, channels, a schedule in the future', async () => {
    bed = await startConsoleApp();
    const admin = await bed.login(ADMIN);
    const post = (payload: Record<string, unknown>) =>
      bed.inject({ method: 'POST', url: '/api/announcements', cookie: admin, payload: { ...body, communes: [COMMUNE_A], ...payload } });
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'ab' }, 'Trường "title" cần ít nhất 3 ký tự.'],
      [{ body: 'x'.repeat(5001) }, 'Trường "body" dài quá 5000 ký tự.'],
      [{ channels: [] }, 'Trường "channels" không được nhỏ hơn 1.'],
      [{ channels: ['sms'] }, 'Trường "channels.0" chỉ nhận: "zalo", "web".'],
      [{ communes: [] }, 'Trường "communes" không được nhỏ hơn 1.'],
    ];
    for (const [payload, message] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message, JSON.stringify(payload)).toContain(message);
    }
    const unknown = await post({ communes: ['99999'] });
    expect(unknown.json()).toEqual({ error: 'invalid_commune', message: 'Không có xã/phường với mã: 99999.' });
    const past = await post({ scheduledAt: '2026-11-28T09:59:00+07:00' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error).toBe('schedule_in_past');
    const scheduled = await post({ scheduledAt: '2026-11-28T11:00:00+07:00' });
    expect(scheduled.statusCode).toBe(201);
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2026-11-28T04:00:00.000Z' });
    const badFeed = await bed.inject({ method: 'GET', url: '/api/announcements?commune=thanh-ha' });
    expect(badFeed.statusCode).toBe(400);
  });

  it('previews the Zalo messages (split at 2,000 characters) and the widget card', async () => {
    bed = await startConsoleApp();
    const officer = await bed.officer('canbo-xem-truoc', [COMMUNE_A]);
    const long = 'Hộ nghèo được hỗ trợ vay vốn ưu đãi. '.repeat(80).trim();
    const response = await bed.inject({
      method: 'POST',
      url: '/api/announcements/preview',
      cookie: officer,
      payload: { title: 'Vay vốn', body: long, communes: [COMMUNE_A] },
    });
    const preview = response.json();
    expect(preview.zalo.from).toBe('xã Thanh Hà');
    expect(preview.zalo.messages.length).toBe(2);
    expect(preview.zalo.messages.every((m: string) => m.length <= 2000)).toBe(true);
    expect(preview.zalo.messages[0]).toMatch(/^📢 Thông báo của UBND xã Thanh Hà\nVay vốn\n\n/);
    expect(preview.zalo.messages[1]).toMatch(/Nhắn "hủy đăng ký" để ngừng nhận thông báo\.$/);
    expect(preview.web).toEqual({ title: 'Vay vốn', body: long, publishedAt: null });
  });
});
