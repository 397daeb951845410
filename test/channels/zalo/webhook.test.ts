import { afterEach, describe, expect, it } from 'vitest';
import { ONLY_TEXT_UNDERSTOOD } from '../../../src/channels/zalo/notices.js';
import { loadCommunes } from '../../../src/content/communes.js';
import type { CitizenRecord, JournalRecord } from '../../../src/storage/records.js';
import { REFERENCE_VECTOR, signZaloEvent } from '../../support/mock-zalo/sign.js';
import { startZaloTestBed, type ZaloTestBed, zaloTexts } from './support/setup.js';

let bed: ZaloTestBed;
afterEach(async () => {
  await bed?.close();
});

const citizen = (userId: string) => bed.service.storage.citizens.get(`zalo:${userId}`);
const textsTo = (userId: string) => bed.mock.messagesTo(userId).map((m) => m.text);

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
      expect(body.message).toMatch(/^Chữ ký X-ZEvent-Signature/);
    }
    await bed.settle();
    expect(await bed.dataFile('journal')).toEqual([]);
    expect(await citizen('2000000000000000001')).toBeUndefined();
    expect(mock.messages).toEqual([]);
  });

  it('accepts the reference test vector and answers the user', async () => {
    bed = await startZaloTestBed({ mock: { appId: REFERENCE_VECTOR.appId, oaSecretKey: REFERENCE_VECTOR.oaSecretKey } });
    bed.clock.set(new Date(Number(REFERENCE_VECTOR.timestamp) + 1000));
    bed.mock.setUser('2222222222222222222', { lastInteractionAt: Number(REFERENCE_VECTOR.timestamp) });
    const response = await bed.mock.post(REFERENCE_VECTOR.rawBody, { 'x-zevent-signature': REFERENCE_VECTOR.header });
    expect(response.status).toBe(200);
    await bed.settle();
    const { replies } = await bed.webChat({ text: 'Xin chào' });
    expect(textsTo('2222222222222222222')).toEqual(zaloTexts(replies));
  });

  it('answers Zalo’s unsigned empty-object probe with 200 and records nothing', async () => {
    bed = await startZaloTestBed();
    expect((await bed.mock.post('{}')).status).toBe(200);
    expect(await bed.dataFile('journal')).toEqual([]);
  });
});

describe('POST /webhooks/zalo — exactly once', () => {
  it('answers a greeting once (what the engine says, notice first) and records the last interaction', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000002';
    const event = bed.mock.textEvent(userId, 'xin chao');
    expect((await bed.mock.deliver(event)).status).toBe(200);
    await bed.settle();
    const { replies } = await bed.webChat({ text: 'xin chao' });
    expect(replies.map((r) => r.text).join(' ')).toMatch(/Xin chào/);
    expect(textsTo(userId)).toEqual(zaloTexts(replies));

    const record = (await citizen(userId)) as CitizenRecord;
    expect(record.lastInteractionAt).toBe(new Date(Number(event.timestamp)).toISOString());
    expect(record.noticeShownAt).not.toBeNull();
    const journal = await bed.dataFile<JournalRecord>('journal');
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ state: 'done', outcome: 'sent', event: null, citizenId: null });
    expect(journal[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers the same msg_id once when Zalo delivers it three times, also after a restart', async () => {
    bed = await startZaloTestBed();
    const [userId, control] = ['2000000000000000003', '2000000000000000013'];
    await bed.mock.userSendsText(control, 'xin chào');
    const event = bed.mock.textEvent(userId, 'xin chào');
    const first = await bed.mock.deliver(event);
    const again = await Promise.all([bed.mock.deliver(event), bed.mock.deliver(event)]);
    expect([first, ...again].map((r) => r.status)).toEqual([200, 200, 200]);
    await bed.settle();
    expect(textsTo(userId)).toEqual(textsTo(control));

    await bed.restart();
    expect((await bed.mock.deliver(event)).status).toBe(200);
    await bed.settle();
    expect(textsTo(userId)).toEqual(textsTo(control));
  });

  it('treats a new msg_id with the same text as a new message', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000004';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const once = textsTo(userId).length;
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    expect(textsTo(userId).length).toBeGreaterThan(once);
  });
});

describe('POST /webhooks/zalo — events', () => {
  it('takes user_click_chatnow in its real shape (top-level user_id and oa_id) and the sender / follower variants: each opens the 7-day window', async () => {
    bed = await startZaloTestBed();
    const { mock } = bed;
    const base = { app_id: mock.appId, oa_id: mock.oaId, event_name: 'user_click_chatnow' };
    const shapes = [
      { ...base, user_id: '2000000000000000031', timestamp: String(bed.clock.now().getTime()) },
      { ...base, sender: { id: '2000000000000000032' }, recipient: { id: mock.oaId }, timestamp: String(bed.clock.now().getTime()) },
      { ...base, follower: { id: '2000000000000000033' }, timestamp: String(bed.clock.now().getTime()) },
    ];
    for (const shape of shapes) expect((await mock.deliver(shape)).status).toBe(200);
    await bed.settle();
    for (const userId of ['2000000000000000031', '2000000000000000032', '2000000000000000033']) {
      expect(await citizen(userId), userId).toMatchObject({ lastInteractionAt: bed.clock.now().toISOString() });
      // The mock saw the interaction too: a consultation message goes through.
      expect(mock.user(userId)?.lastInteractionAt, userId).toBe(bed.clock.now().getTime());
    }
    // Each was journaled as an event of its own (none refused as malformed).
    expect(await bed.dataFile<JournalRecord>('journal')).toHaveLength(3);
  });

  it('keeps the citizen’s own messages in Zalo’s conversation history (src 1) beside the OA’s (src 0)', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000041';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const query = encodeURIComponent(JSON.stringify({ user_id: userId, offset: 0, count: 10 }));
    const response = await fetch(`${bed.mock.url}/v2.0/oa/conversation?data=${query}`, { headers: { access_token: bed.mock.env().ZALO_ACCESS_TOKEN! } });
    const history = (await response.json()).data as { src: number; message: string; from_id: string }[];
    expect(history.filter((m) => m.src === 1)).toEqual([expect.objectContaining({ message: 'xin chào', from_id: userId })]);
    expect(history.filter((m) => m.src === 0).length).toBeGreaterThan(0);
  });

  it('welcomes a new follower with the privacy notice and the menu; "1" picks the first item', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000005';
    expect((await bed.mock.deliver(bed.mock.followEvent(userId))).status).toBe(200);
    await bed.settle();
    const web = await bed.webChat({ payload: 'intent:help' });
    expect(textsTo(userId)).toEqual(zaloTexts(web.replies));
    expect(textsTo(userId)[0]).toMatch(/dữ liệu/);
    expect(textsTo(userId).at(-1)).toMatch(/Nhắn số để chọn:\n1\. /);
    expect(bed.mock.messagesTo(userId).every((m) => m.message.attachment === undefined)).toBe(true);
    expect(await citizen(userId)).toMatchObject({ following: true });

    const sent = textsTo(userId).length;
    await bed.mock.userSendsText(userId, '1');
    await bed.settle();
    const first = await bed.webChat({ sessionId: web.sessionId, text: '1' });
    expect(textsTo(userId).slice(sent)).toEqual(zaloTexts(first.replies));
  });

  it('sends up to five quick replies as oa.query.hide buttons when ZALO_QUICK_REPLY_BUTTONS is on (the tap does not echo the payload)', async () => {
    bed = await startZaloTestBed({ env: { ZALO_QUICK_REPLY_BUTTONS: 'true' } });
    const userId = '2000000000000000006';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const web = await bed.webChat({ text: 'xin chào' });
    const quickReplies = web.replies.at(-1)!.quickReplies!;
    expect(quickReplies.length).toBeGreaterThan(0);
    expect(quickReplies.length).toBeLessThanOrEqual(5);
    const last = bed.mock.messagesTo(userId).at(-1)!;
    expect(last.text).not.toContain('Nhắn số');
    expect(last.message.attachment).toEqual({
      type: 'template',
      payload: { buttons: quickReplies.map((q) => ({ title: q.title, type: 'oa.query.hide', payload: q.payload })) },
    });
    // Tapping a query button makes the user send its payload as text.
    const sent = textsTo(userId).length;
    await bed.mock.userSendsText(userId, quickReplies[0]!.payload);
    await bed.settle();
    const tapped = await bed.webChat({ sessionId: web.sessionId, payload: quickReplies[0]!.payload });
    expect(textsTo(userId).slice(sent)).toEqual(zaloTexts(tapped.replies, true));
  });

  it('falls back to the numbered menu when Zalo refuses the button template', async () => {
    bed = await startZaloTestBed({ env: { ZALO_QUICK_REPLY_BUTTONS: 'true' } });
    const userId = '2000000000000000016';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const sent = bed.mock.messagesTo(userId).length;
    bed.mock.failNextSends(-233);
    await bed.mock.userSendsText(userId, 'menu');
    await bed.settle();
    const last = bed.mock.messagesTo(userId).at(-1)!;
    expect(bed.mock.messagesTo(userId).length).toBeGreaterThan(sent);
    expect(last.message.attachment).toBeUndefined();
    expect(last.text).toContain('Nhắn số để chọn');
  });

  it('stops everything on unfollow: not following, not subscribed, no reply', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000007';
    await bed.mock.userSendsText(userId, 'xin chào');
    await bed.settle();
    const before = (await citizen(userId))!;
    await bed.service.storage.citizens.save({ ...before, commune: '11560', subscribed: true, subscribedAt: before.firstSeenAt });
    const sent = textsTo(userId).length;
    await bed.mock.deliver(bed.mock.followEvent(userId, false));
    await bed.settle();
    expect(await citizen(userId)).toMatchObject({ following: false, subscribed: false, commune: '11560' });
    expect(textsTo(userId)).toHaveLength(sent);
  });

  it('answers images, stickers, files and locations politely that only text is understood', async () => {
    bed = await startZaloTestBed();
    const userId = '2000000000000000008';
    const kinds = ['image', 'sticker', 'file', 'location', 'audio'] as const;
    for (const kind of kinds) await bed.mock.deliver(bed.mock.attachmentEvent(userId, kind));
    await bed.settle();
    expect(textsTo(userId)).toEqual(kinds.map(() => ONLY_TEXT_UNDERSTOOD));
    expect(ONLY_TEXT_UNDERSTOOD).toMatch(/^Xin lỗi, trợ lý hiện chỉ đọc được tin nhắn chữ/);
  });

  it('stores the commune from the information form, subscribing only a citizen who had asked to be', async () => {
    bed = await startZaloTestBed();
    const directory = await loadCommunes('content');
    const thuyNguyen = directory.search('phường Thủy Nguyên')[0]!.commune.id;
    const [asked, notAsked, unknown] = ['2000000000000000009', '2000000000000000010', '2000000000000000012'];
    await bed.mock.userSendsText(asked, 'xin chào');
    await bed.settle();
    const record = (await citizen(asked))!;
    await bed.service.storage.citizens.save({ ...record, subscribed: true, subscribedAt: record.firstSeenAt });

    await bed.mock.deliver(bed.mock.submitInfoEvent(asked, { ward: 'Phường Thuỷ Nguyên', city: 'Hải Phòng' }));
    await bed.mock.deliver(bed.mock.submitInfoEvent(notAsked, { address: 'thôn 3, phuong thuy nguyen, Hai Phong' }));
    await bed.mock.deliver(bed.mock.submitInfoEvent(unknown, { address: 'số 1 đường không tên' }));
    await bed.settle();
    expect(await citizen(asked)).toMatchObject({ commune: thuyNguyen, subscribed: true });
    expect(await citizen(notAsked)).toMatchObject({ commune: thuyNguyen, subscribed: false });
    expect(await citizen(unknown)).toMatchObject({ commune: null, subscribed: false });
    expect(textsTo(asked).at(-1)).toContain('Bạn sẽ nhận thông báo của phường Thủy Nguyên');
    expect(textsTo(notAsked).at(-1)).toContain('nhắn "đăng ký nhận thông báo"');
    expect(textsTo(unknown).at(-1)).toContain('chưa nhận ra xã, phường');
    // The form's name and phone are kept nowhere.
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
    expect(await citizen(userId)).toBeUndefined();
  });
});
