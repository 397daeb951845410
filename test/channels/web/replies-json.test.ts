import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replySchema } from '../../../src/channels/web/protocol.js';
import { repliesJson } from '../../../src/channels/web/replies-json.js';
import { loadAnswerContent } from '../../../src/content/answer-content.js';
import { INTENT_NAMES } from '../../../src/content/intents-list.js';
import type { Reply } from '../../../src/engine/types.js';
import { renderAnswer } from '../../../src/skills/faq/render-answer.js';
import { renderEntry } from '../../../src/skills/faq/render-entry.js';

const schemaJson = (replies: unknown) => JSON.parse(JSON.stringify(z.array(replySchema).parse(replies)));
const written = (replies: Reply[]) => JSON.parse(repliesJson(replies));

describe('replies as JSON', () => {
  it('equals the schema’s output for every card and entry in content/', async () => {
    const { cards, knowledge } = await loadAnswerContent(join(import.meta.dirname, '../../../content'), INTENT_NAMES);
    const replies = [...[...cards.all()].map(renderAnswer), ...knowledge.entries.map((e) => renderEntry(e, {}, []))];
    expect(replies.length).toBeGreaterThan(50);
    expect(replies.some((r) => r.quickReplies)).toBe(true);
    expect(written(replies)).toEqual(schemaJson(replies));
    for (const reply of replies) expect(written([reply])).toEqual(schemaJson([reply]));
  });

  it('escapes what JSON must, keeps only documented fields and handles none', () => {
    const extra = { title: 'Đồng ý', payload: 'consent:yes', internal: 'x' } as unknown as { title: string; payload: string };
    const replies: Reply[] = [
      { text: 'Câu "1/10"\n\tthu nhập \\ tháng 😀 \u2028 \u0001' },
      { text: '', quickReplies: [extra], links: [{ title: 'Trang', url: 'https://haiphong.gov.vn/?a="b"' }] },
      { text: 'không nút', quickReplies: [], links: [] },
      { text: 'Cán bộ xã Thanh Hà: "Chào bác"', pushId: '0b9c1f3e-5a7d-4c2e-9f61-2d8e7a4b1c30' },
    ];
    expect(written(replies)).toEqual(schemaJson(replies));
    expect(repliesJson([])).toBe('[]');
  });

  it('never answers one text with another’s cached escape', () => {
    for (let i = 0; i < 5000; i++) expect(written([{ text: `Hộ ${i} người` }])).toEqual([{ text: `Hộ ${i} người` }]);
  });
});
