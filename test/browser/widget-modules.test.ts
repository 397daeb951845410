/** The widget's pure rules (links, colour, frame checks, progress), run in Node without a browser. */
import { describe, expect, it } from 'vitest';
import { contrastWithWhite, DEFAULT_ACCENT, readableAccent } from '../../public/src/color.js';
import { listOf, parseAnnouncement, parseCommune, parseServerFrame } from '../../public/src/frames.js';
import { safeHref } from '../../public/src/links.js';
import { answersOf, progressOf, pushedId } from '../../public/src/messages.js';

const own = ['chatbot.haiphong.gov.vn', 'localhost:8080'];

describe('links: anchors only for trusted places', () => {
  it.each([
    ['https://dichvucong.gov.vn/p/home', 'https://dichvucong.gov.vn/p/home'],
    ['https://gov.vn/', 'https://gov.vn/'],
    ['https://vanban.chinhphu.vn/?id=1', 'https://vanban.chinhphu.vn/?id=1'],
    ['https://zalo.me/123', 'https://zalo.me/123'],
    ['http://localhost:8080/privacy', 'http://localhost:8080/privacy'],
    ['tel:0225 3842 111', 'tel:0225 3842 111'],
  ])('%s is a link', (url, href) => expect(safeHref(url, own)).toBe(href));

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://dichvucong.gov.vn/',
    'https://evilgov.vn/',
    'https://gov.vn.evil.example/',
    'https://example.com/',
    '/relative/path',
    'tel:javascript:alert(1)',
  ])('%s stays text', (url) => expect(safeHref(url, own)).toBeNull());
});

describe('accent colour', () => {
  it('keeps a readable colour and darkens a light one until white text reaches 4.5:1', () => {
    expect(readableAccent('#b71c1c')).toBe('#b71c1c');
    for (const light of ['#ffeb3b', '#fff', '#87ceeb', '#FF9800']) {
      const accent = readableAccent(light);
      expect(accent).not.toBe(light.toLowerCase());
      const rgb = [1, 3, 5].map((i) => Number.parseInt(accent.slice(i, i + 2), 16)) as [number, number, number];
      expect(contrastWithWhite(rgb)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('falls back to the default for anything that is not a hex colour', () => {
    for (const bad of [undefined, '', 'red', 'url(x)', '#12345', 'expression(alert(1))']) {
      expect(readableAccent(bad)).toBe(DEFAULT_ACCENT);
    }
  });
});

describe('server frames are checked before use', () => {
  it('accepts the frames of protocol v1', () => {
    expect(parseServerFrame('{"type":"welcome","v":1,"sessionId":"abcdefgh"}')).toEqual({ type: 'welcome', v: 1, sessionId: 'abcdefgh' });
    expect(
      parseServerFrame(JSON.stringify({ type: 'reply', id: 'm1', replies: [{ text: 'a', quickReplies: [{ title: 'Có', payload: 'x:y' }] }] })),
    ).toEqual({ type: 'reply', id: 'm1', replies: [{ text: 'a', quickReplies: [{ title: 'Có', payload: 'x:y' }], links: undefined }] });
    expect(parseServerFrame('{"type":"error","code":"too_long","message":"Dài quá","id":"m1"}')).toMatchObject({ code: 'too_long' });
  });

  it.each([
    'not json',
    '[]',
    '{"type":"reply","id":"m1","replies":[{"text":1}]}',
    '{"type":"reply","id":"m1","replies":[{"text":"a","quickReplies":[{"title":"x"}]}]}',
    '{"type":"reply","id":"m1","replies":[{"text":"a","links":"https://gov.vn"}]}',
    '{"type":"announcement","announcement":{"id":"a","title":"t"}}',
    '{"type":"error","code":"boom","message":"x"}',
    '{"type":"html","html":"<img src=x onerror=alert(1)>"}',
  ])('drops %s', (raw) => expect(parseServerFrame(raw)).toBeNull());

  it('reads API lists as an array or under their key, dropping malformed items', () => {
    const item = { id: 'a1', title: 'T', body: 'B', publishedAt: '2026-11-28T03:00:00Z', status: 'published' };
    expect(listOf([item, { id: 1 }], 'announcements', parseAnnouncement)).toEqual([
      { id: 'a1', title: 'T', body: 'B', publishedAt: '2026-11-28T03:00:00Z' },
    ]);
    expect(listOf({ announcements: [item] }, 'announcements', parseAnnouncement)).toHaveLength(1);
    expect(listOf({ error: 'not_found' }, 'announcements', parseAnnouncement)).toBeNull();
    expect(listOf({ communes: [{ id: '10525', name: 'Hải Dương', type: 'phuong' }] }, 'communes', parseCommune)).toEqual([
      { id: '10525', name: 'Phường Hải Dương' },
    ]);
  });
});

describe('screening progress', () => {
  it('reads "Câu n/m" from a bot message', () => {
    expect(progressOf('Câu 3/9. Hộ của bạn có bao nhiêu người?')).toEqual({ step: 3, total: 9 });
    expect(progressOf('Câu 12 / 15: …')).toEqual({ step: 12, total: 15 });
    expect(progressOf('Câu trả lời chỉ dùng trong cuộc trò chuyện này')).toBeNull();
    expect(progressOf('Câu 10/9')).toBeNull();
  });
});

describe('a pushed message that comes again with an answer', () => {
  const officer = { text: 'Cán bộ xã Thanh Hà: Bác mang sổ hộ khẩu lên nhé.' };
  const logOf = (frames: ({ push: string } | { reply: string; replies: { text: string; pushId?: string }[] })[]) => {
    const log: { id: string; text: string }[] = [];
    const shown = (id: string) => log.some((m) => m.id === id);
    for (const f of frames) {
      if ('push' in f) {
        if (!shown(pushedId(f.push))) log.push(...answersOf(`push-${f.push}`, [officer], shown));
      } else log.push(...answersOf(f.reply, f.replies, shown));
    }
    return log.map((m) => m.text);
  };

  it('is shown once, whichever of the push and the answer came first', () => {
    const answer = { reply: 'm1', replies: [{ ...officer, pushId: 'line-1' }, { text: 'Trợ lý: đã ghi nhận.' }] };
    expect(logOf([{ push: 'line-1' }, answer])).toEqual([officer.text, 'Trợ lý: đã ghi nhận.']);
    expect(logOf([answer, { push: 'line-1' }])).toEqual([officer.text, 'Trợ lý: đã ghi nhận.']);
  });

  it('is shown when no push came, and a different push is still shown', () => {
    expect(logOf([{ reply: 'm1', replies: [{ ...officer, pushId: 'line-1' }] }])).toEqual([officer.text]);
    expect(logOf([{ push: 'line-2' }, { reply: 'm1', replies: [{ ...officer, pushId: 'line-1' }] }])).toEqual([officer.text, officer.text]);
  });

  it('keeps pushId through the frame check, and drops a reply whose pushId is not a string', () => {
    const frame = (pushId: unknown) => JSON.stringify({ type: 'reply', id: 'm1', replies: [{ text: 'a', pushId }] });
    expect(parseServerFrame(frame('line-1'))).toMatchObject({ replies: [{ text: 'a', pushId: 'line-1' }] });
    expect(parseServerFrame(frame(7))).toBeNull();
  });
});
