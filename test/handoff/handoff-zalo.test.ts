import { afterEach, describe, expect, it } from 'vitest';
import { type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';
import { COMMUNE_A, DAY_MS } from '../announcements/support/bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

const MONDAY_9AM = '2026-12-08T02:00:00Z';
const USER = '2468013579246801357';

/** Resolves once `condition` holds, checking after each event the service handles (no timed assertions). */
async function until<T>(read: () => Promise<T>, condition: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const value = await read();
    if (condition(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`waited in vain for ${what}`);
}

/** The citizen writes; resolves with what the OA sent since, once one of those messages matches `expected`. */
async function saysTo(b: ConsoleApp, user: string, text: string, expected: RegExp): Promise<string> {
  const mock = b.mock!;
  const before = mock.messagesTo(user).length;
  await mock.userSendsText(user, text);
  const fresh = () => Promise.resolve(mock.messagesTo(user).slice(before).map((m) => m.text));
  const sent = await until(fresh, (texts) => texts.some((t) => expected.test(t)), `a reply matching ${expected} to "${text}"`);
  return sent.join('\n');
}

// A whole service with the mock Zalo, several turns each: slow on a busy machine.
describe('handoff through Zalo (mock)', { timeout: 180_000 }, () => {
  it('a Zalo citizen hands over; replies go out inside the 7-day window, and past it wait for the next message', async () => {
    bed = await startConsoleApp({ zalo: true });
    bed.clock.set(MONDAY_9AM);
    const mock = bed.mock!;
    mock.setUser(USER);
    let officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    const texts = () => mock.messagesTo(USER).map((m) => m.text);
    const says = (text: string, expected: RegExp) => saysTo(bed, USER, text, expected);

    await says('gặp cán bộ', /Bạn đồng ý chứ\?/);
    await says('ok', /xã\/phường nào/);
    await says('xa thanh ha', /Đã chuyển cho cán bộ xã Thanh Hà/);
    const [conversation] = (await bed.inject({ method: 'GET', url: '/api/staff/conversations', cookie: officer })).json().conversations;
    const id = conversation.id as string;
    const detail = () => bed.inject({ method: 'GET', url: `/api/staff/conversations/${id}`, cookie: officer }).then((r) => r.json());

    // The bot is silent while the conversation waits: the message reaches the transcript, nothing goes out.
    const sent = mock.messagesTo(USER).length;
    await mock.userSendsText(USER, 'hộ tôi bị loại khỏi danh sách cận nghèo');
    await until(detail, (d) => d.messages.some((m: { text: string }) => m.text === 'hộ tôi bị loại khỏi danh sách cận nghèo'), 'the relayed message');
    expect(mock.messagesTo(USER)).toHaveLength(sent);

    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, cookie: officer });
    expect((await detail()).reachable).toBe(true);
    const inside = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/messages`, cookie: officer, payload: { text: 'Bác gửi đơn phúc tra tại UBND xã.' } });
    expect(inside.json().messages.at(-1)).toMatchObject({ from: 'officer', delivery: 'delivered' });
    expect(texts().at(-1)).toBe('Cán bộ xã Thanh Hà: Bác gửi đơn phúc tra tại UBND xã.');

    // Eight days later Zalo no longer takes consultation messages: the console says so and the reply waits.
    bed.clock.advance(8 * DAY_MS);
    // Staff sessions last 12 hours.
    officer = await bed.login({ username: 'canbo-thanhha', password: 'mat-khau-canbo-thanhha' });
    expect((await detail()).reachable).toBe(false);
    const before = mock.messagesTo(USER).length;
    const outside = await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/messages`, cookie: officer, payload: { text: 'Đơn của bác đã được nhận.' } });
    expect(outside.json().messages.at(-1)).toMatchObject({ delivery: 'waiting' });
    expect(mock.messagesTo(USER)).toHaveLength(before);
    // The citizen writes again: the waiting reply goes out with that message, and the bot still says nothing.
    expect(await says('cảm ơn cán bộ', /Đơn của bác/)).toBe('Cán bộ xã Thanh Hà: Đơn của bác đã được nhận.');
    expect((await detail()).messages.at(-1)).toMatchObject({ from: 'citizen', text: 'cảm ơn cán bộ' });

    // Closed: the citizen is told, and the bot answers again.
    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/close`, cookie: officer, payload: { outcome: 'answered' } });
    expect(texts().at(-1)).toMatch(/đã kết thúc cuộc trò chuyện/);
    await says('menu', /./);
  });

  it('falls back to the bot with an honest message when nobody claims it in office hours, also after a restart', async () => {
    bed = await startConsoleApp({ zalo: true });
    bed.clock.set(MONDAY_9AM);
    const mock = bed.mock!;
    mock.setUser(USER);
    await bed.officer('canbo-thanhha', [COMMUNE_A]);
    await saysTo(bed, USER, 'cho tôi nói chuyện với người', /Bạn đồng ý chứ\?/);
    await saysTo(bed, USER, 'đồng ý', /xã\/phường nào/);
    await saysTo(bed, USER, 'Thanh Hà', /Đã chuyển/);
    await bed.restart();
    // 240 office minutes: Monday 09:00 → 11:30, then 13:30 → 15:00.
    bed.clock.set('2026-12-08T07:59:00Z');
    expect(await bed.app.handoffs.sweep()).toBe(0);
    bed.clock.set('2026-12-08T08:00:00Z');
    expect(await bed.app.handoffs.sweep()).toBe(1);
    expect(mock.messagesTo(USER).at(-1)!.text).toMatch(/chưa có cán bộ nào nhận câu hỏi của bạn trong giờ làm việc/);
    // The bot answers again.
    await saysTo(bed, USER, 'vay vốn hộ nghèo', /vay/i);
  });
});
