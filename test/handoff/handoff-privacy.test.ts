import { afterEach, describe, expect, it } from 'vitest';
import { openLowdbStorage } from '../../src/storage/lowdb/index.js';
import { type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';
import { COMMUNE_A } from '../announcements/support/bed.js';
import { filesContaining } from '../privacy/harness.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

const QUESTION = 'Nhà tôi ở thôn Đông Phong bị loại khỏi danh sách cận nghèo năm nay';
const REPLY = 'Chào bác, hồ sơ nhà bác đang được xem lại.';
const NOTE = 'Hộ ông Nguyễn Văn Tư, đã rà soát lại ngày 3/12';

describe('handoffs and personal data', () => {
  it('shows the handoff in "xem dữ liệu", and deleting the citizen leaves no trace of it in DATA_DIR', async () => {
    bed = await startConsoleApp();
    bed.clock.set('2026-12-08T02:00:00Z');
    const officer = await bed.officer('canbo-thanhha', [COMMUNE_A]);
    let sessionId: string | undefined;
    const say = async (text: string) => {
      const response = await bed.inject({ method: 'POST', url: '/api/chat', payload: { ...(sessionId ? { sessionId } : {}), text } });
      sessionId = response.json().sessionId;
      return (response.json().replies as { text: string }[]).map((r) => r.text).join('\n');
    };
    await say(QUESTION);
    await say('gặp cán bộ');
    await say('đồng ý');
    expect(await say('xã Thanh Hà')).toMatch(/Đã chuyển/);
    const { conversations } = (await bed.inject({ method: 'GET', url: '/api/staff/conversations', cookie: officer })).json();
    const id = conversations[0].id as string;
    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/claim`, cookie: officer });
    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/messages`, cookie: officer, payload: { text: REPLY } });
    await bed.inject({ method: 'POST', url: `/api/staff/conversations/${id}/notes`, cookie: officer, payload: { text: NOTE } });

    // Data requests reach the bot while the officer holds the conversation.
    expect(await say('xem dữ liệu của tôi')).toMatch(/Câu hỏi đã chuyển cho cán bộ xã\/phường: 1 \(đang mở 1; \d+ tin nhắn, 1 ghi chú của cán bộ\)/);
    await say('xóa dữ liệu của tôi');
    expect(await say('xóa hết')).toMatch(/đã xóa/i);

    // The officer's inbox no longer has it, and the engine no longer holds the conversation for an officer.
    expect((await bed.inject({ method: 'GET', url: `/api/staff/conversations/${id}`, cookie: officer })).statusCode).toBe(404);
    expect(await bed.app.handoffs.ownerOf(`web:${sessionId}`)).toBe('bot');
    // Every file as written at a graceful stop (and nothing brought back by the next start).
    await bed.restart();
    const files = await openLowdbStorage(bed.dataDir);
    for (const needle of [QUESTION, REPLY, NOTE, 'Đông Phong', 'Nguyễn Văn Tư', sessionId!]) {
      expect(await filesContaining(bed.dataDir, files, needle), needle).toEqual([]);
    }
  });
});
