import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type ConsoleApp, startConsoleApp } from '../../announcements/support/app-bed.js';
import { COMMUNE_A } from '../../announcements/support/bed.js';

interface Reply {
  text: string;
  quickReplies?: { title: string; payload: string }[];
}

let bed: ConsoleApp;
beforeAll(async () => {
  bed = await startConsoleApp();
});
afterAll(() => bed.close());

let sessions = 0;
/** A fresh widget conversation over /api/chat, past the first-contact privacy notice; each call returns the replies. */
async function visitor() {
  // Replaced by the id the server issues on the first message.
  let sessionId = `khach-dang-ky-${++sessions}`;
  const say = async (message: string | { payload: string }): Promise<Reply[]> => {
    const body = typeof message === 'string' ? { text: message } : message;
    const response = await bed.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, ...body } });
    expect(response.statusCode).toBe(200);
    sessionId = response.json().sessionId;
    return response.json().replies;
  };
  await say('xin chào');
  return say;
}
const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n');
const button = (replies: Reply[], title: string) => {
  const found = replies.flatMap((r) => r.quickReplies ?? []).find((q) => q.title === title);
  if (!found) throw new Error(`no button "${title}" in ${JSON.stringify(replies)}`);
  return { payload: found.payload };
};

describe('subscriptions in the chat', () => {
  it('subscribes at once when the message names the commune', async () => {
    const say = await visitor();
    const replies = await say('đăng ký nhận thông báo xã Thanh Hà');
    expect(texts(replies)).toContain('Đã đăng ký nhận thông báo của xã Thanh Hà. Khi có thông báo mới, trợ lý sẽ gửi cho bạn tại đây.');
    expect(texts(replies)).not.toContain('Zalo');
    expect(texts(await say('đăng ký nhận thông báo xã Thanh Hà'))).toContain('Bạn đã đăng ký nhận thông báo của xã Thanh Hà rồi.');
  });

  it('asks for the commune when none is named, re-asks on a name it does not know, understands names without diacritics', async () => {
    const say = await visitor();
    expect(texts(await say('đăng ký nhận thông báo'))).toContain('Bạn muốn nhận thông báo của xã/phường nào?');
    expect(texts(await say('abc xyz'))).toContain('Chưa tìm thấy xã/phường "abc xyz". Bạn muốn nhận thông báo của xã/phường nào?');
    expect(texts(await say('thanh ha'))).toContain('Đã đăng ký nhận thông báo của xã Thanh Hà.');
  });

  it('maps a former commune name to the commune it was merged into, and says so', async () => {
    const say = await visitor();
    expect(texts(await say('đăng ký nhận thông báo Dương Quan'))).toContain(
      'Đã đăng ký nhận thông báo của phường Thủy Nguyên ("Dương Quan" nay thuộc phường Thủy Nguyên).',
    );
  });

  it('lets the citizen choose when a former commune was split between several', async () => {
    const say = await visitor();
    const asked = await say('dang ky nhan tin xa tu cuong');
    expect(asked[0]!.text).toBe('"xa tu cuong" nay thuộc nhiều xã/phường khác nhau. Bạn ở xã/phường nào?');
    expect(asked[0]!.quickReplies!.map((q) => q.title)).toEqual(['Xã Quyết Thắng', 'Xã Thanh Miện']);
    expect(texts(await say(button(asked, 'Xã Thanh Miện')))).toContain('Đã đăng ký nhận thông báo của xã Thanh Miện.');
  });

  it('shows and changes the commune, then unsubscribes after a confirmation ("hủy đăng ký", "dừng")', async () => {
    const say = await visitor();
    await say('đăng ký nhận thông báo xã Thanh Hà');
    const current = await say('đăng ký nhận thông báo');
    expect(current[0]!.text).toBe('Bạn đang nhận thông báo của xã Thanh Hà. Bạn muốn đổi sang xã/phường khác không?');
    expect(texts(await say(button(current, 'Giữ nguyên')))).toContain('Vâng, bạn vẫn nhận thông báo như cũ.');
    expect(texts(await say(button(current, 'Đổi xã/phường')))).toContain('Bạn muốn nhận thông báo của xã/phường nào?');
    expect(texts(await say('phường Thủy Nguyên'))).toContain('Đã chuyển sang nhận thông báo của phường Thủy Nguyên, thay cho xã Thanh Hà.');

    const confirm = await say('hủy đăng ký');
    expect(confirm[0]!.text).toBe('Bạn muốn hủy đăng ký, không nhận thông báo của phường Thủy Nguyên nữa?');
    expect(confirm[0]!.quickReplies!.map((q) => q.title)).toEqual(['Hủy đăng ký', 'Không']);
    // Typing the button's title is the confirmation.
    expect(texts(await say('hủy đăng ký'))).toContain('Đã hủy đăng ký. Bạn sẽ không nhận thông báo của phường Thủy Nguyên nữa.');
    expect(texts(await say('hủy đăng ký'))).toContain('Bạn chưa đăng ký nhận thông báo nào.');
    await say('đăng ký nhận thông báo xã Thanh Hà');
    await say('dừng');
    expect(texts(await say('không'))).toContain('Vâng, bạn vẫn nhận thông báo như cũ.');
    await say('dừng');
    expect(texts(await say('dạ vâng'))).toContain('Đã hủy đăng ký.');
  });

  it('answers another question asked in the middle, and the question about the commune resumes', async () => {
    const say = await visitor();
    await say('đăng ký nhận thông báo');
    const other = await say('hộ nghèo được vay vốn bao nhiêu');
    expect(texts(other)).toMatch(/vay/i);
    expect(other.at(-1)!.quickReplies?.[0]).toEqual({ title: 'Tiếp tục', payload: 'control:resume' });
    expect(texts(await say({ payload: 'control:resume' }))).toContain('Bạn muốn nhận thông báo của xã/phường nào?');
    expect(texts(await say('Thanh Hà'))).toContain('Đã đăng ký nhận thông báo của xã Thanh Hà.');
  });

  it('shows the latest announcements of a commune and offers to subscribe', async () => {
    const admin = await bed.login(ADMIN);
    const created = await bed.inject({
      method: 'POST',
      url: '/api/announcements',
      cookie: admin,
      payload: { title: 'Lớp học nghề may', body: 'Khai giảng ngày 5/12 tại nhà văn hóa.', communes: [COMMUNE_A], channels: ['web'] },
    });
    expect(created.statusCode).toBe(201);
    const say = await visitor();
    const shown = await say('xem thông báo xã Thanh Hà');
    expect(shown[0]!.text).toMatch(/^📢 Lớp học nghề may \(28\/11\/2026\)\n\nKhai giảng ngày 5\/12 tại nhà văn hóa\.$/);
    expect(shown.at(-1)!.text).toBe('Bạn chưa đăng ký nhận thông báo của xã Thanh Hà.');
    expect(texts(await say(button(shown, 'Nhận thông báo xã Thanh Hà')))).toContain('Đã đăng ký nhận thông báo của xã Thanh Hà.');
    expect((await say('xem thông báo')).at(-1)!.text).toBe('Bạn đang nhận thông báo của xã Thanh Hà.');
    const withdrawn = await bed.inject({ method: 'POST', url: `/api/announcements/${created.json().id}/withdraw`, cookie: admin });
    expect(withdrawn.statusCode).toBe(200);
    expect((await say('xem thông báo'))[0]!.text).toBe('Hiện chưa có thông báo nào của xã Thanh Hà.');
  });
});
