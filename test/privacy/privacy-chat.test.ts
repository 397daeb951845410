import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSENT_NO_PAYLOAD, CONSENT_YES_PAYLOAD } from '../../src/privacy/consent.js';
import { readStored } from '../support/data-files.js';
import { ON_POSTGRES, openTestStorage } from '../support/storage.js';
import { dataFiles, filesContaining, PRIVACY_URL, type PrivacyHarness, privacyHarness } from './harness.js';

let h: PrivacyHarness;
beforeEach(async () => {
  h = await privacyHarness();
});

describe('privacy notice on first contact', () => {
  it('comes once per citizen and channel, before the answer, with the link to the full page', async () => {
    const first = await h.engine.handle({ channel: 'web', userId: 'visitor-1', text: 'xin chào' });
    expect(first).toHaveLength(2);
    expect(first[0]!.text).toContain('xóa dữ liệu của tôi');
    expect(first[0]!.links).toEqual([{ title: 'Chính sách bảo vệ dữ liệu cá nhân', url: PRIVACY_URL }]);
    // Phone-sized: the text and its link within 250 characters; the periods are on the privacy page.
    expect(`${first[0]!.text}\n\nChính sách bảo vệ dữ liệu cá nhân: ${PRIVACY_URL}`.length).toBeLessThanOrEqual(250);
    expect(first[1]!.text).not.toContain('dữ liệu');

    expect(await h.say('xin chào')).toHaveLength(1);
    // The same person on Zalo is another contact: told again there.
    const zalo = await h.say('xin chào', '8849301', 'zalo');
    expect(zalo[0]).toContain('Về dữ liệu của bạn');

    const citizen = await h.registry.get('web:visitor-1');
    expect(citizen).toMatchObject({ channel: 'web', userId: 'visitor-1', noticeShownAt: '2026-11-28T03:00:00.000Z', consent: null });
  });

  it('records the last interaction on every message (to the minute)', async () => {
    await h.say('xin chào');
    h.clock.advance(30_000);
    await h.say('xin chào');
    expect((await h.registry.get('web:visitor-1'))!.lastInteractionAt).toBe('2026-11-28T03:00:00.000Z');
    h.clock.advance(5 * 60_000);
    await h.say('xin chào');
    expect((await h.registry.get('web:visitor-1'))!.lastInteractionAt).toBe('2026-11-28T03:05:30.000Z');
    expect((await h.registry.get('web:visitor-1'))!.firstSeenAt).toBe('2026-11-28T03:00:00.000Z');
  });
});

describe('consent to keep answers', () => {
  const citizen = 'web:visitor-1';
  const answers = { members: 4, monthlyIncome: 3_100_000 };

  it('keeps nothing until "Đồng ý", then keeps what was waiting', async () => {
    await h.say('xin chào');
    const asked = await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now());
    expect(asked).toHaveLength(1);
    expect(asked[0]!.quickReplies?.map((q) => q.title)).toEqual(['Đồng ý', 'Không đồng ý']);
    expect(await h.storage.keptAnswers.forCitizen(citizen)).toEqual([]);
    expect(await filesContaining(h.dataDir, h.storage, '3100000')).toEqual([]);

    expect(await h.tap(CONSENT_YES_PAYLOAD)).toEqual(['Cảm ơn bạn. Trợ lý đã lưu câu trả lời vừa rồi.']);
    expect(await h.consent.hasConsent(citizen)).toBe(true);
    const kept = await h.storage.keptAnswers.forCitizen(citizen);
    expect(kept.map((k) => [k.kind, k.data])).toEqual([['screening', answers]]);
    // Once consented, later answers are kept without asking again.
    expect(await h.consent.offerToKeep(citizen, 'question', { text: 'hỏi thêm' }, h.clock.now())).toEqual([]);
    expect(await h.storage.keptAnswers.forCitizen(citizen)).toHaveLength(2);
  });

  it('keeps a corrected self-assessment once: the correction replaces the result held for the decision', async () => {
    await h.say('xin chào');
    await h.consent.offerToKeep(citizen, 'question', { text: 'hỏi trước' }, h.clock.now());
    await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now(), { id: 'result-1' });
    await h.consent.offerToKeep(citizen, 'screening', { ...answers, other: true }, h.clock.now(), { id: 'result-2' });
    const corrected = { ...answers, members: 5 };
    expect(await h.consent.offerToKeep(citizen, 'screening', corrected, h.clock.now(), { id: 'result-1' })).toHaveLength(1);
    expect(h.consent.heldCount(citizen)).toBe(3);
    await h.tap(CONSENT_YES_PAYLOAD);
    const kept = await h.storage.keptAnswers.forCitizen(citizen);
    expect(kept.map((k) => [k.kind, k.data])).toEqual([
      ['question', { text: 'hỏi trước' }],
      ['screening', { ...answers, other: true }],
      ['screening', corrected],
    ]);
  });

  it('keeps a corrected self-assessment once after consent: the correction replaces the kept result, which stays should that fail', async () => {
    await h.say('xin chào');
    await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now(), { id: 'result-1' });
    await h.tap(CONSENT_YES_PAYLOAD);
    await h.consent.offerToKeep(citizen, 'screening', { ...answers, other: true }, h.clock.now(), { id: 'result-2' });
    h.clock.advance(60_000);
    const corrected = { ...answers, members: 5 };
    expect(await h.consent.offerToKeep(citizen, 'screening', corrected, h.clock.now(), { id: 'result-1' })).toEqual([]);
    const kept = await h.storage.keptAnswers.forCitizen(citizen);
    expect(kept.map((k) => [k.id, k.data, k.createdAt])).toEqual([
      ['result-1', corrected, h.clock.now().toISOString()],
      ['result-2', { ...answers, other: true }, expect.any(String)],
    ]);
    // The write fails: the earlier answers are still kept, and the caller hears of it.
    const failing = vi.spyOn(h.storage.keptAnswers, 'replace').mockRejectedValueOnce(new Error('disk full'));
    try {
      await expect(h.consent.offerToKeep(citizen, 'screening', { ...corrected, members: 6 }, h.clock.now(), { id: 'result-1' })).rejects.toThrow('disk full');
    } finally {
      failing.mockRestore();
    }
    expect((await h.storage.keptAnswers.forCitizen(citizen)).find((k) => k.id === 'result-1')?.data).toEqual(corrected);
  });

  it('after "Không đồng ý" keeps nothing, does not ask again, and the service goes on as before', async () => {
    await h.say('xin chào');
    await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now());
    const refused = await h.tap(CONSENT_NO_PAYLOAD);
    expect(refused[0]).toContain('vẫn dùng được mọi chức năng');
    expect(await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now())).toEqual([]);
    expect(await h.storage.keptAnswers.forCitizen(citizen)).toEqual([]);
    expect(await h.say('xin chào')).toEqual(await h.say('xin chào', 'visitor-2').then((r) => r.slice(1)));
    expect(await filesContaining(h.dataDir, h.storage, '3100000')).toEqual([]);
  });

  it('drops waiting answers when the decision comes after the conversation ended', async () => {
    await h.say('xin chào');
    await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now());
    h.clock.advance(31 * 60_000);
    await h.tap(CONSENT_YES_PAYLOAD);
    expect(await h.consent.hasConsent(citizen)).toBe(true);
    expect(await h.storage.keptAnswers.forCitizen(citizen)).toEqual([]);
  });

  it('keeps the words of an unanswered question only with consent', async () => {
    await h.say('xin chào');
    await h.consent.recordUnanswered(citizen, 'câu hỏi lạ số một', h.clock.now());
    await h.consent.decide(citizen, true, h.clock.now());
    await h.consent.recordUnanswered(citizen, 'câu hỏi lạ số hai', h.clock.now());
    expect((await h.storage.unanswered.list()).map((u) => u.text)).toEqual([null, 'câu hỏi lạ số hai']);
  });

  it('withdrawing consent, once confirmed, deletes what it allowed to keep', async () => {
    await h.say('xin chào');
    await h.consent.decide(citizen, true, h.clock.now());
    await h.consent.offerToKeep(citizen, 'screening', answers, h.clock.now());
    await h.consent.recordUnanswered(citizen, 'câu hỏi lạ', h.clock.now());
    expect((await h.say('tôi rút lại đồng ý lưu dữ liệu'))[0]).toMatch(/^Bạn muốn rút lại đồng ý\?/);
    expect(await h.consent.hasConsent(citizen)).toBe(true);
    // After a question in between, a "có" confirms nothing: the confirmation is asked again first.
    await h.say('hộ nghèo được vay bao nhiêu tiền?');
    await h.say('có');
    expect(await h.consent.hasConsent(citizen)).toBe(true);
    expect((await h.say('tiếp tục'))[0]).toMatch(/^Bạn muốn rút lại đồng ý\?/);
    const reply = await h.say('dạ có');
    expect(reply[0]).toBe('Đã rút lại đồng ý. Trợ lý đã xóa 2 mục đã lưu và sẽ không lưu câu trả lời, câu hỏi của bạn nữa.');
    expect(await h.consent.hasConsent(citizen)).toBe(false);
    expect(await h.storage.keptAnswers.forCitizen(citizen)).toEqual([]);
    expect(await h.storage.unanswered.list()).toEqual([]);
  });
});

describe('"xem dữ liệu của tôi"', () => {
  it('lists every stored fact in plain Vietnamese', async () => {
    await h.say('xin chào');
    await h.registry.update('web:visitor-1', { commune: '10507', subscribed: true, subscribedAt: '2026-11-28T03:00:00.000Z' });
    await h.consent.decide('web:visitor-1', true, h.clock.now());
    await h.consent.offerToKeep('web:visitor-1', 'screening', { members: 3 }, h.clock.now());
    await h.storage.deliveries.enqueue([
      { id: 'a1|web:visitor-1', announcementId: 'a1', citizenId: 'web:visitor-1', channel: 'web', state: 'queued', reason: null, attempts: 0, updatedAt: '2026-11-28T03:00:00.000Z' },
    ]);
    const [text] = await h.say('xem dữ liệu của tôi');
    expect(text).toContain('Mã người dùng trên trang web: visitor-1');
    expect(text).toContain('Lần đầu nhắn tin: 10:00 28/11/2026');
    expect(text).toContain('bạn đã đồng ý lúc 10:00 28/11/2026');
    expect(text).toContain('Nhận thông báo của xã Thanh Hà từ 10:00 28/11/2026');
    expect(text).toContain('1 lần kiểm tra hộ nghèo, 0 câu hỏi');
    expect(text).toContain('Thông báo đang chờ gửi cho bạn: 1');
    expect(text).toContain('Cuộc trò chuyện đang mở');
  });
});

describe('"xóa dữ liệu của tôi"', () => {
  /** Journal ids are hashes of the event's dedupe key. */
  const journalId = (userId: string) => createHash('sha256').update(`msg-of-${userId}`).digest('hex');
  /** The collections the data files named belong to (a snapshot `name.json`, a change log `name.log`). */
  const collections = (files: string[]) => [...new Set(files.map((f) => f.replace(/\.(json|log)$/, '')))].sort();
  /** Words the citizen typed, unique enough to search the data files for. */
  const typed = 'nhà em ở xóm Quýt Hồng số 4417 thu nhập 2.350.000';

  async function fillEveryCollection(userId: string, channel: 'web' | 'zalo') {
    const citizenId = `${channel}:${userId}`;
    await h.say('xin chào', userId, channel);
    await h.registry.update(citizenId, { commune: '10507', subscribed: true, subscribedAt: h.clock.now().toISOString() });
    await h.consent.decide(citizenId, true, h.clock.now());
    await h.consent.offerToKeep(citizenId, 'screening', { note: typed }, h.clock.now());
    await h.consent.recordUnanswered(citizenId, typed, h.clock.now());
    await h.say(typed, userId, channel);
    const delivery = (state: 'queued' | 'sent', n: number) => ({
      id: `ann-${n}|${citizenId}`,
      announcementId: `ann-${n}`,
      citizenId,
      channel,
      state,
      reason: null,
      attempts: 0,
      updatedAt: h.clock.now().toISOString(),
    });
    await h.storage.deliveries.enqueue([delivery('queued', 1), delivery('sent', 2)]);
    await h.storage.journal.recordIfNew({
      id: journalId(userId),
      receivedAt: h.clock.now().toISOString(),
      event: { userId, text: typed },
      citizenId,
    });
    // A flow holding the typed words in the session snapshot.
    h.sessions.get(channel, userId).flow = { skill: 'screening', step: 'income', data: { note: typed } };
    await h.sessions.snapshot(true);
  }

  it('asks once, keeps everything on "Không" and returns to what the citizen was doing', async () => {
    await fillEveryCollection('visitor-1', 'web');
    const ask = await h.engine.handle({ channel: 'web', userId: 'visitor-1', text: 'xóa dữ liệu của tôi' });
    expect(ask[0]!.quickReplies?.map((q) => q.title)).toEqual(['Xóa hết', 'Không']);
    expect(await h.say('không')).toEqual(['Dữ liệu của bạn được giữ nguyên.']);
    expect(h.sessions.peek('web:visitor-1')!.flow).toMatchObject({ skill: 'screening', step: 'income' });
    expect(await filesContaining(h.dataDir, h.storage, 'visitor-1')).not.toEqual([]);
    expect(await h.storage.keptAnswers.forCitizen('web:visitor-1')).toHaveLength(1);
  });

  it.each(['web', 'zalo'] as const)('after "Xóa hết" nothing about the %s user remains in any data file', async (channel) => {
    const userId = channel === 'web' ? 'Vq3xTq8LmZ0aB7cD' : '7300418822190011';
    await fillEveryCollection(userId, channel);
    await fillEveryCollection('neighbour-9', 'web');
    const before = await filesContaining(h.dataDir, h.storage, userId);
    expect(collections(before)).toEqual(['citizens', 'deliveries', 'journal', 'kept-answers', 'sessions', 'unanswered']);
    // Change logs hold the citizen too (every version of every change): the search below covers them.
    if (!ON_POSTGRES) expect(before).toEqual(expect.arrayContaining(['deliveries.log', 'journal.log']));

    await h.say('xoa du lieu cua toi', userId, channel);
    // On Zalo without buttons the citizen answers the numbered menu.
    const done = channel === 'zalo' ? await h.say('1', userId, channel) : await h.tap('privacy:delete-confirm', userId, channel);
    expect(done[0]).toMatch(/^Đã xóa toàn bộ dữ liệu của bạn/);

    expect(await filesContaining(h.dataDir, h.storage, userId)).toEqual([]);
    // The neighbour's copy of the same words is still there: deletion is per citizen.
    expect(collections(await filesContaining(h.dataDir, h.storage, 'Quýt Hồng'))).toEqual([
      'journal',
      'kept-answers',
      'sessions',
      'unanswered',
    ]);
    const neighbourOnly = [...(await dataFiles(h.dataDir, h.storage)).values()].join('\n');
    expect(neighbourOnly).toContain('neighbour-9');
    // The journal keeps the hash that exactly-once delivery needs.
    expect((await readStored(h.dataDir, 'journal')).map((e) => e.id)).toContain(journalId(userId));
    // The audit entry names the citizen by hash only.
    const [entry] = await h.storage.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ actor: 'citizen', action: 'personal_data.delete', target: expect.stringMatching(/^citizen:[0-9a-f]{16}$/) });

    // Writing again is a first contact.
    const again = await h.say('xin chào', userId, channel);
    expect(again[0]).toContain('Về dữ liệu của bạn');
  });

  it('survives a restart: the deleted session is not restored from the snapshot', async () => {
    await fillEveryCollection('visitor-1', 'web');
    await h.say('xóa dữ liệu của tôi');
    await h.say('xóa hết');
    await h.sessions.stop();
    const restored = await openTestStorage(h.dataDir);
    expect((await restored.sessions.loadAll()).map((s) => s.userId)).toEqual([]);
    expect(await restored.citizens.get('web:visitor-1')).toBeUndefined();
  });
});

describe('what a "privacy" message asks for', () => {
  it.each([
    ['xem du lieu cua toi', /^Dữ liệu trợ lý đang lưu về bạn/],
    ['cho tôi xem các bạn đang giữ dữ liệu gì của tôi', /^Dữ liệu trợ lý đang lưu về bạn/],
    ['bot luu thong tin gi cua minh', /^Dữ liệu trợ lý đang lưu về bạn/],
    ['tai du lieu cua toi ve', /^Dữ liệu trợ lý đang lưu về bạn/],
    ['xoa het thong tin ve toi', /^Bạn muốn xóa toàn bộ dữ liệu/],
    ['quen toi di', /^Bạn muốn xóa toàn bộ dữ liệu/],
    ['tôi ko đồng ý lưu dữ liệu', /^Trợ lý sẽ không lưu câu trả lời/],
    ['ai xem duoc tin nhan cua toi', /^Về thông tin của bạn/],
    ['chinh sach bao mat', /^Về thông tin của bạn/],
  ])('"%s"', async (text, expected) => {
    await h.say('xin chào');
    const [reply] = await h.say(text);
    expect(reply).toMatch(expected);
  });
});
