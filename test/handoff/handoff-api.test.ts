import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';
import { COMMUNE_A, COMMUNE_B } from '../announcements/support/bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

// Monday 8 December 2026, 09:00 in Hải Phòng: office hours.
const MONDAY_9AM = '2026-12-08T02:00:00Z';

/** A widget citizen over POST /api/chat: what they type, the texts they get back. */
function widgetCitizen(b: ConsoleApp) {
  let sessionId: string | undefined;
  const send = async (message: { text?: string; payload?: string }) => {
    const response = await b.inject({ method: 'POST', url: '/api/chat', payload: { ...(sessionId ? { sessionId } : {}), ...message } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { sessionId: string; replies: { text: string; quickReplies?: { title: string; payload: string }[] }[] };
    sessionId = body.sessionId;
    return body.replies;
  };
  return {
    say: (text: string) => send({ text }),
    tap: (payload: string) => send({ payload }),
    texts: async (text: string) => (await send({ text })).map((r) => r.text).join('\n'),
  };
}

/** Asks for an officer, consents and names the commune: the handoff's id as the officer's list shows it. */
async function handOver(b: ConsoleApp, officer: string) {
  const citizen = widgetCitizen(b);
  await citizen.say('Nhà tôi bị loại khỏi danh sách hộ nghèo mà không ai báo, giờ phải làm sao?');
  const offer = await citizen.say('gặp cán bộ');
  expect(offer.at(-1)!.text).toMatch(/chuyển cho cán bộ.*Bạn đồng ý chứ\?/s);
  expect((await citizen.texts('đồng ý'))).toMatch(/xã\/phường nào/);
  const done = await citizen.texts('Thanh Hà');
  expect(done).toMatch(/Đã chuyển cho cán bộ xã Thanh Hà/);
  const list = await b.inject({ method: 'GET', url: '/api/staff/conversations?status=waiting', cookie: officer });
  const [conversation] = list.json().conversations as { id: string; preview: string; status: string }[];
  expect(conversation).toMatchObject({ status: 'waiting', preview: expect.stringMatching(/bị loại khỏi danh sách/) });
  return { citizen, id: conversation!.id };
}

describe('handing a conversation to commune staff', () => {
  it('consent, claim, reply, bot silent while owned, close back to the bot; audited', async () => {
    bed = await startConsoleApp();
    bed.clock.set(MONDAY_9AM);
    const officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    const { citizen, id } = await handOver(bed, officer);

    // Waiting: the bot says nothing, the message reaches the transcript.
    expect(await citizen.say('vay vốn hộ nghèo bao nhiêu')).toEqual([]);
    const claimed = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, cookie: officer });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ status: 'open', assignee: 'canbo-thanhha' });
    expect(claimed.json().messages.map((m: { text: string }) => m.text)).toContain('vay vốn hộ nghèo bao nhiêu');

    // No widget socket open: the reply waits and comes with the citizen's next message; the bot stays silent.
    const replied = await bed.inject({
      method: 'POST',
      url: `/api/staff/conversations/${id}/messages`,
      cookie: officer,
      payload: { text: 'Chào bác, bác mang giấy tờ lên UBND xã sáng thứ Tư nhé.' },
    });
    expect(replied.json()).toMatchObject({ reachable: false });
    expect(replied.json().messages.at(-1)).toMatchObject({ from: 'officer', delivery: 'waiting' });
    expect(await citizen.texts('menu')).toBe('Cán bộ xã Thanh Hà: Chào bác, bác mang giấy tờ lên UBND xã sáng thứ Tư nhé.');
    expect(await citizen.say('cảm ơn cán bộ')).toEqual([]);

    const note = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/notes`, cookie: officer, payload: { text: 'Hộ đã rà soát 11/2026' } });
    expect(note.json().messages.at(-1)).toMatchObject({ from: 'note', text: 'Hộ đã rà soát 11/2026' });

    const closed = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/close`, cookie: officer, payload: { outcome: 'answered' } });
    expect(closed.json()).toMatchObject({ status: 'closed', outcome: 'answered' });
    // Back to the bot: the closing notice first, then the bot answers again.
    const after = await citizen.texts('menu');
    expect(after).toMatch(/đã kết thúc cuộc trò chuyện/);
    expect(after).not.toBe('');

    const audit = await bed.inject({ method: 'GET', url: '/api/staff/audit', cookie: await bed.login(ADMIN) });
    const actions = (audit.json() as { action: string; target: string }[]).filter((e) => e.target === id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['handoff.claim', 'handoff.reply', 'handoff.note', 'handoff.close']));
  });

  it('gives an officer of another commune 403 on every route, and lists nothing of it', async () => {
    bed = await startConsoleApp();
    bed.clock.set(MONDAY_9AM);
    const officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    const other = await bed.officer('canbo-thuynguyen', [COMMUNE_B]);
    const { id } = await handOver(bed, officer);
    for (const [method, url, payload] of [
      ['GET', `/api/staff/conversations/${id}`, undefined],
      ['POST', `/api/staff/conversations/${id}/claim`, undefined],
      ['POST', `/api/staff/conversations/${id}/messages`, { text: 'Xin chào' }],
      ['POST', `/api/staff/conversations/${id}/notes`, { text: 'Ghi chú' }],
      ['POST', `/api/staff/conversations/${id}/hand-over`, { to: 'canbo-thuynguyen' }],
      ['POST', `/api/staff/conversations/${id}/close`, { outcome: 'answered' }],
    ] as const) {
      const response = await bed.inject({ method, url, cookie: other, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json()).toMatchObject({ error: 'forbidden_conversation' });
    }
    for (const status of ['waiting', 'open', 'closed']) {
      const list = await bed.inject({ method: 'GET', url: `/api/staff/conversations?status=${status}`, cookie: other });
      expect(list.json()).toEqual({ conversations: [] });
    }
  });

  it('hands over only to a colleague of the commune, and refuses a reply from someone who does not hold it', async () => {
    bed = await startConsoleApp();
    bed.clock.set(MONDAY_9AM);
    const officer = await bed.officer('canbo-a1', [COMMUNE_A]);
    const colleague = await bed.officer('canbo-a2', [COMMUNE_A]);
    await bed.officer('canbo-b', [COMMUNE_B]);
    const { id } = await handOver(bed, officer);
    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, cookie: officer });
    const refused = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/hand-over`, cookie: officer, payload: { to: 'canbo-b' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'unknown_colleague' });
    const notHers = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/messages`, cookie: colleague, payload: { text: 'Chào' } });
    expect(notHers.statusCode).toBe(409);
    const moved = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/hand-over`, cookie: officer, payload: { to: 'canbo-a2' } });
    expect(moved.json()).toMatchObject({ status: 'open', assignee: 'canbo-a2' });
    const twice = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, cookie: colleague });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: 'conversation_state' });
  });

  it('finds canned answers in the knowledge base, and lets only admins keep a reply as a draft knowledge entry', async () => {
    bed = await startConsoleApp();
    const officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    const canned = await bed.inject({ method: 'GET', url: `/api/staff/canned?q=${encodeURIComponent('lãi suất vay')}`, cookie: officer });
    expect(canned.json().answers.length).toBeGreaterThan(0);
    expect(canned.json().answers[0].answer).toMatch(/lãi suất/i);

    const draft = { question: 'Hộ nghèo bị loại khỏi danh sách thì làm gì?', answer: 'Bạn làm đơn đề nghị UBND xã rà soát lại trong thời gian niêm yết.' };
    const refused = await bed.inject({ method: 'POST', url: '/api/staff/knowledge-drafts', cookie: officer, payload: draft });
    expect(refused.statusCode).toBe(403);
    const admin = await bed.login(ADMIN);
    const created = await bed.inject({ method: 'POST', url: '/api/staff/knowledge-drafts', cookie: admin, payload: draft });
    expect(created.statusCode).toBe(201);
    expect((await bed.inject({ method: 'GET', url: '/api/staff/knowledge-drafts', cookie: admin })).json()).toEqual([
      expect.objectContaining({ ...draft, author: ADMIN.username, topic: null }),
    ]);
    // A draft is not an answer: the bot does not know it.
    const chat = await bed.inject({ method: 'POST', url: '/api/chat', payload: { text: 'Hộ nghèo bị loại khỏi danh sách thì làm gì?' } });
    expect(JSON.stringify(chat.json().replies)).not.toContain(draft.answer);
    const removed = await bed.inject({ method: 'DELETE', url: `/api/staff/knowledge-drafts/${created.json().id}`, cookie: admin });
    expect(removed.statusCode).toBe(204);
    const again = await bed.inject({ method: 'DELETE', url: `/api/staff/knowledge-drafts/${created.json().id}`, cookie: admin });
    expect(again.json()).toMatchObject({ error: 'unknown_draft' });
  });
});
