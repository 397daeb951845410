import { afterEach, describe, expect, it } from 'vitest';
import { fold } from '../../../src/nlu/fold.js';
import type { CitizenRecord, JournalRecord } from '../../../src/storage/records.js';
import { REFERENCE_VECTOR, signZaloEvent } from '../../support/mock-zalo/sign.js';
import { startZaloTestBed, type ZaloTestBed } from './support/setup.js';

let bed: ZaloTestBed;
afterEach(async () => {
  await bed?.close();
});

const citizen = (userId: string) => bed.service.storage.citizens.get(`zalo:${userId}`);

describe('POST /webhooks/zalo — signature', () => {
  it('refuses unsigned and forged events with 401 and records nothing', async () => {
    bed = await startZaloTestBed();
    const { mock } = bed;
    const event = mock.textEvent('2000000000000000001', 'xin chào');
    const raw = JSON.stringify(event);
    const good = signZaloEvent(mock.appId, raw, event.timestamp, mock.oaSecretKey);
    const attempts = [
      await mock.post(raw),
      await mock.post(raw, { 'x-zevent-signature': signZaloEvent(mock.appId, raw, event.timestamp, 'wrong-secret') }),
      await mock.post(raw, { 'x-zevent-signature': good.replace('mac=', '') }),
      await mock.post(raw, { 'x-zevent-signature': `mac=${'0'.repeat(64)}` }),
      // A genuine signature over another body.
      await mock.post(raw.replace('xin chào', 'xin chao'), { 'x-zevent-signature': good }),
      // Signed with the app secret instead of the OA secret key.
      await mock.post(raw, { 'x-zevent-signature': signZaloEvent(mock.appId, raw, event.timestamp, mock.appSecret) }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(401);
      const body = JSON.parse(attempt.body);
      expect(body.error).toBe('invalid_signature');
      expect(body.message).toMatch(/Chữ ký/);
    }
    await bed.settle();
    expect(await bed.dataFile('journal')).toEqual([]);
    expect(await citizen('2000000000000000001')).toBeUndefined();
    expect(mock.messages).toEqual([]);
  });

  it('accepts the reference test vector and answers the user', async () => {
    bed = await startZaloTestBed({
      mock: { appId: REFERENCE_VECTOR.appId, oaSecretKey: REFERENCE_VECTOR.oaSecretKey },
    });
    bed.clock.set(new Date(Number(REFERENCE_VECTOR.timestamp) + 1000));
    bed.mock.setUser('2222222222222222222', { lastInteractionAt: Number(REFERENCE_VECTOR.timestamp) });
    const response = await bed.mock.post(REFERENCE_VECTOR.rawBody, { 'x-zevent-signature': REFERENCE_VECTOR.header });
    expect(response.status).toBe(200);
    const [reply] = await bed.mock.waitForMessages('2222222222222222222', 1);
    expect(reply!.text).toContain('Xin chào');
  });

  it('answers Zalo’s unsigned empty-object probe with 200 and records nothing', async () => {
    bed = await startZaloTestBed();
    expect((await bed.mock.post('{}')).status).toBe(200);
    expect(await bed.dataFile('journal')).toEqual([]);
  });
});

describe('POST /webhooks/zalo — exactly once', () => {
  it('answers a greeting once and records the citizen’s last interaction', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000002';
    const event = bed.mock.textEvent(userId, 'xin chao');
    const response = await bed.mock.deliver(event);
    expect(response.status).toBe(200);
    await bed.settle();
    const replies = bed.mock.messagesTo(userId);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe('Xin chào! Tôi là trợ lý giảm nghèo của thành phố.');
    const record = (await citizen(userId)) as CitizenRecord;
    expect(record.lastInteractionAt).toBe(new Date(Number(event.timestamp)).toISOString());
    expect(record.following).toBe(true);
    const journal = await bed.dataFile<JournalRecord>('journal');
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ state: 'done', outcome: 'sent', event: null, citizenId: null });
    expect(journal[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers the same msg_id once when Zalo delivers it three times', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000003';
    const event = bed.mock.textEvent(userId, 'xin chào');
    const first = await bed.mock.deliver(event);
    const again = await Promise.all([bed.mock.deliver(event), bed.mock.deliver(event)]);
    expect([first, ...again].map((r) => r.status)).toEqual([200, 200, 200]);
    await bed.settle();
    expect(bed.mock.messagesTo(userId)).toHaveLength(1);
    // Still once after a restart: the journal remembers the hash.
    await bed.restart();
    expect((await bed.mock.deliver(event)).status).toBe(200);
    await bed.settle();
    expect(bed.mock.messagesTo(userId)).toHaveLength(1);
  });

  it('treats a new msg_id with the same text as a new message', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000004';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(bed.mock.messagesTo(userId)).toHaveLength(2);
  });
});

describe('POST /webhooks/zalo — events', () => {
  it('welcomes a new follower with the menu and the privacy line; "1" picks the first item', async () => {
    bed = await startZaloTestBed({ env: { PUBLIC_BASE_URL: 'https://giamngheo.haiphong.gov.vn' } });
    const userId = '2000000000000000005';
    expect((await bed.mock.deliver(bed.mock.followEvent(userId))).status).toBe(200);
    const [welcome] = await bed.mock.waitForMessages(userId, 1);
    expect(welcome!.text).toContain('Tôi có thể giúp bạn');
    expect(welcome!.text).toContain('https://giamngheo.haiphong.gov.vn/privacy');
    expect(welcome!.text).toMatch(/Nhắn số để chọn:\n1\. Chuẩn nghèo\n2\. Vay vốn$/);
    expect(welcome!.message.attachment).toBeUndefined();
    await bed.settle();
    expect((await citizen(userId))?.noticeShownAt).not.toBeNull();

    await bed.mock.userSendsText(userId, '1');
    const [, answer] = await bed.mock.waitForMessages(userId, 2);
    expect(answer!.text).toMatch(/^Chuẩn nghèo đa chiều/);
  });

  it('sends quick replies as oa.query.show buttons when ZALO_QUICK_REPLY_BUTTONS is on', async () => {
    bed = await startZaloTestBed({ env: { ZALO_QUICK_REPLY_BUTTONS: 'true' } });
    const userId = '2000000000000000006';
    await bed.mock.deliver(bed.mock.followEvent(userId));
    const [welcome] = await bed.mock.waitForMessages(userId, 1);
    expect(welcome!.text).not.toContain('Nhắn số');
    expect(welcome!.message.attachment).toEqual({
      type: 'template',
      payload: {
        buttons: [
          { title: 'Chuẩn nghèo', type: 'oa.query.show', payload: 'intent:poverty_standard' },
          { title: 'Vay vốn', type: 'oa.query.show', payload: 'intent:credit' },
        ],
      },
    });
    // Tapping a query button makes the user send its payload as text.
    await bed.mock.userSendsText(userId, 'intent:credit');
    const [, answer] = await bed.mock.waitForMessages(userId, 2);
    expect(answer!.text).toMatch(/^Hộ nghèo được vay vốn/);
  });

  it('stops everything on unfollow: not following, not subscribed, no reply', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000007';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const before = (await citizen(userId))!;
    await bed.service.storage.citizens.save({ ...before, commune: '11560', subscribed: true, subscribedAt: before.firstSeenAt });
    await bed.mock.deliver(bed.mock.followEvent(userId, false));
    await bed.settle();
    expect(await citizen(userId)).toMatchObject({ following: false, subscribed: false, commune: '11560' });
    expect(bed.mock.messagesTo(userId)).toHaveLength(1);
  });

  it('answers images, stickers, files and locations politely that only text is understood', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000008';
    const kinds = ['image', 'sticker', 'file', 'location'] as const;
    for (const kind of kinds) await bed.mock.deliver(bed.mock.attachmentEvent(userId, kind));
    const replies = await bed.mock.waitForMessages(userId, kinds.length);
    for (const reply of replies) expect(reply.text).toMatch(/^Xin lỗi, trợ lý hiện chỉ đọc được tin nhắn chữ/);
  });

  it('stores the commune from the information form, subscribing only a citizen who had asked to be', async () => {
    const directory = [{ id: '11560', name: 'phường Thủy Nguyên', key: 'thuy nguyen' }];
    const resolveCommune = (place: string) => {
      const found = directory.find((c) => fold(place).includes(c.key));
      return found ? { id: found.id, name: found.name } : null;
    };
    bed = await startZaloTestBed({ service: { resolveCommune } });
    const asked = '2000000000000000009';
    const notAsked = '2000000000000000010';
    await bed.mock.userSendsText(asked, 'xin chào');
    await bed.settle();
    const record = (await citizen(asked))!;
    await bed.service.storage.citizens.save({ ...record, subscribed: true, subscribedAt: record.firstSeenAt });

    await bed.mock.deliver(bed.mock.submitInfoEvent(asked, { ward: 'Phường Thuỷ Nguyên', city: 'Hải Phòng' }));
    await bed.mock.deliver(bed.mock.submitInfoEvent(notAsked, { address: 'thon 3, phuong thuy nguyen' }));
    await bed.settle();
    expect(await citizen(asked)).toMatchObject({ commune: '11560', subscribed: true });
    expect(await citizen(notAsked)).toMatchObject({ commune: '11560', subscribed: false });
    expect(bed.mock.messagesTo(asked).at(-1)!.text).toContain('Bạn sẽ nhận thông báo của phường Thủy Nguyên');
    expect(bed.mock.messagesTo(notAsked).at(-1)!.text).toContain('nhắn "đăng ký nhận thông báo"');
    // The form's name and phone are not kept anywhere.
    const files = JSON.stringify([await bed.dataFile('citizens'), await bed.dataFile('journal')]);
    expect(files).not.toContain('84900000000');
    expect(files).not.toContain('Nguyễn Văn A');
  });

  it('ignores the OA’s own echoes and acknowledges malformed, unknown and stale events without handling them', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000011';
    const { mock } = bed;
    const noMessage = { ...mock.textEvent(userId, 'x') } as Record<string, unknown>;
    delete noMessage.message;
    const numericIds = { ...mock.textEvent(userId, 'xin chào'), sender: { id: 2000000000011 } };
    const stale = mock.textEvent(userId, 'xin chào');
    stale.timestamp = String(bed.clock.now().getTime() - 2 * 24 * 60 * 60 * 1000);
    const events = [
      mock.echoEvent(userId, 'Xin chào'),
      noMessage,
      numericIds,
      { ...mock.followEvent(userId), event_name: 'user_send_group_text' },
      stale,
    ];
    for (const event of events) {
      const raw = JSON.stringify(event);
      const signature = signZaloEvent(mock.appId, raw, String(event.timestamp), mock.oaSecretKey);
      expect((await mock.post(raw, { 'x-zevent-signature': signature })).status).toBe(200);
    }
    await bed.settle();
    expect(mock.messages).toEqual([]);
    expect(await bed.dataFile('journal')).toEqual([]);
  });
});
