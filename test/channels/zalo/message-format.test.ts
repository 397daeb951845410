import { describe, expect, it } from 'vitest';
import { numberedMenu, packReplies, renderReply, splitText } from '../../../src/channels/zalo/message-format.js';

describe('splitText', () => {
  it('keeps a short text whole, NFC-normalised and trimmed', () => {
    const decomposed = 'Xin chào bạn'.normalize('NFD');
    expect(splitText(`  ${decomposed}  `)).toEqual(['Xin chào bạn']);
  });

  it('prefers a paragraph break, then a sentence end, to a cut inside a sentence', () => {
    const first = 'Câu một dài vừa phải. '.repeat(3).trim();
    const second = 'Đoạn hai bắt đầu ở đây và khá là dài dòng nữa';
    expect(splitText(`${first}\n\n${second}`, 80)).toEqual([first, second]);
    const sentences = 'Hộ nghèo được vay vốn. Hộ cận nghèo cũng vậy! Còn gì nữa không? Hết';
    expect(splitText(sentences, 50)).toEqual(['Hộ nghèo được vay vốn. Hộ cận nghèo cũng vậy!', 'Còn gì nữa không? Hết']);
  });

  it('does not end a chunk at a decimal point', () => {
    const text = 'Mức thu nhập 1.500.000 đồng mỗi tháng áp dụng cho khu vực nông thôn của thành phố';
    for (const chunk of splitText(text, 40)) expect(chunk).not.toMatch(/\d\.$/);
  });

  it('cuts a text without any space hard, never between the halves of an emoji', () => {
    const chunks = splitText('a'.repeat(9) + '😀'.repeat(10), 10);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(10);
      expect(chunk).toBe(Buffer.from(chunk, 'utf8').toString('utf8'));
    }
    expect(chunks.join('')).toBe('a'.repeat(9) + '😀'.repeat(10));
  });
});

describe('renderReply', () => {
  const reply = {
    text: 'Bạn muốn biết gì?',
    quickReplies: [
      { title: 'Chuẩn nghèo', payload: 'intent:poverty_standard' },
      { title: 'Vay vốn', payload: 'intent:credit' },
    ],
    links: [{ title: 'Cổng thông tin', url: 'https://haiphong.gov.vn' }],
  };

  it('writes quick replies as a numbered menu by default, with links as lines', () => {
    expect(renderReply(reply, { quickReplyButtons: false })).toEqual([
      { text: `Bạn muốn biết gì?\n\nCổng thông tin: https://haiphong.gov.vn\n\n${numberedMenu(['Chuẩn nghèo', 'Vay vốn'])}` },
    ]);
    expect(numberedMenu(['A', 'B'])).toBe('Nhắn số để chọn:\n1. A\n2. B');
  });

  it('falls back to the numbered menu when there are more quick replies than Zalo buttons', () => {
    const many = { text: 'Chọn', quickReplies: Array.from({ length: 6 }, (_, i) => ({ title: `Mục ${i + 1}`, payload: `p${i}` })) };
    const [message] = renderReply(many, { quickReplyButtons: true });
    expect(message!.attachment).toBeUndefined();
    expect(message!.text).toContain('6. Mục 6');
  });

  it('puts the buttons on the last message of a split reply', () => {
    const long = { text: 'Một câu khá dài để tách. '.repeat(120).trim(), quickReplies: reply.quickReplies };
    const messages = renderReply(long, { quickReplyButtons: true });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.slice(0, -1).every((m) => m.attachment === undefined)).toBe(true);
    expect(messages.at(-1)!.attachment!.payload.buttons.map((b) => b.payload)).toEqual(['intent:poverty_standard', 'intent:credit']);
  });
});

describe('packReplies', () => {
  const notice = { text: 'Về dữ liệu của bạn: …', links: [{ title: 'Chính sách', url: 'https://x.vn/privacy' }] };
  const answer = { text: 'Lãi suất 6,24%/năm.', quickReplies: [{ title: 'Hộ cận nghèo', payload: 'answer:near' }] };

  it('leaves a turn of two replies alone; of more, keeps the first apart and merges the rest', () => {
    expect(packReplies([notice, answer])).toEqual([notice, answer]);
    expect(packReplies([notice, { text: 'Xin chào' }, answer])).toEqual([notice, { ...answer, text: 'Xin chào\n\nLãi suất 6,24%/năm.' }]);
  });

  it('merges earlier replies\' links as text and keeps only the last quick replies', () => {
    const long = { text: 'Câu dài vừa phải. '.repeat(30).trim() };
    const [one, two, ...none] = packReplies([long, long, notice, answer]);
    expect(none).toEqual([]);
    expect(one).toEqual(long);
    expect(two).toEqual({ ...answer, text: `${long.text}\n\nVề dữ liệu của bạn: …\n\nChính sách: https://x.vn/privacy\n\nLãi suất 6,24%/năm.` });
  });

  it('starts a second message when the next reply would not fit, each under 2,000 characters', () => {
    const long = { text: 'Câu dài vừa phải. '.repeat(70).trim() };
    const packed = packReplies([long, long, answer]); // 1,260 characters each: two messages, not one
    expect(packed).toHaveLength(2);
    for (const reply of packed) expect(renderReply(reply, { quickReplyButtons: false }).map((m) => m.text.length)).toEqual([expect.any(Number)]);
    expect(packed[1]!.quickReplies).toEqual(answer.quickReplies);
  });
});
