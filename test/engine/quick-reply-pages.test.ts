import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { webCapabilities } from '../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../src/channels/zalo/capabilities.js';
import { ManualClock } from '../../src/clock.js';
import { ConversationEngine } from '../../src/engine/engine.js';
import { createQuickReplyPaging, MAX_QUICK_REPLIES } from '../../src/engine/quick-reply-pages.js';
import { SessionStore } from '../../src/engine/session-store.js';
import type { Reply, Skill } from '../../src/engine/types.js';
import type { Parser } from '../../src/nlu/types.js';
import { openTestStorage } from '../support/storage.js';

const parser: Parser = {
  parse: (text) => ({ text, intent: { name: 'help', confidence: 1 }, ranking: [{ name: 'help', confidence: 1 }], entities: [] }),
};

/** A menu of eight choices, and a skill that says which one was chosen. */
const choices = Array.from({ length: 8 }, (_, i) => ({ title: `Mục ${i + 1}`, payload: `pick:${i + 1}` }));
const menu: Skill = {
  name: 'pick',
  intents: ['help', 'fallback'],
  handleIntent: () => ({ replies: [{ text: 'Đầu' }, { text: 'Chọn một mục', quickReplies: choices }] }),
  handlePayload: (_ctx, payload) => ({ replies: [{ text: `Đã chọn ${payload.slice('pick:'.length)}` }] }),
};

let engine: ConversationEngine;
beforeEach(async () => {
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const storage = await openTestStorage(await mkdtemp(join(tmpdir(), 'pages-')));
  const paging = createQuickReplyPaging();
  engine = new ConversationEngine({
    parser,
    skills: [menu, paging.skill],
    sessions: new SessionStore({ repo: storage.sessions, clock, idleMinutes: 30 }),
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
    hooks: [paging.hook],
  });
});

const titles = (replies: Reply[]) => replies.map((r) => (r.quickReplies ?? []).map((q) => q.title));
const say = (text: string) => engine.handle({ channel: 'zalo', userId: 'u1', text });
const tap = (payload: string) => engine.handle({ channel: 'web', userId: 'u2', payload });

describe('at most four quick replies on a bubble', () => {
  it('shows three and "Khác", which shows the rest, paged again', async () => {
    const first = await tap('intent:help');
    expect(titles(first)).toEqual([[], ['Mục 1', 'Mục 2', 'Mục 3', 'Khác']]);
    const more = first[1]!.quickReplies!.at(-1)!.payload;
    const rest = await tap(more);
    expect(titles(rest)).toEqual([['Mục 4', 'Mục 5', 'Mục 6', 'Khác']]);
    expect(titles(await tap(more))).toEqual([['Mục 7', 'Mục 8']]);
    expect((await tap('pick:7')).map((r) => r.text)).toEqual(['Đã chọn 7']);
  });

  it('on Zalo the numbers follow what is shown: "4" is "Khác", "6" is no hidden button', async () => {
    await say('menu đâu');
    expect(titles(await say('4'))).toEqual([['Mục 4', 'Mục 5', 'Mục 6', 'Khác']]);
    expect((await say('2')).map((r) => r.text)).toEqual(['Đã chọn 5']);
    await say('menu đâu');
    expect(titles(await say('6'))).toEqual([[], ['Mục 1', 'Mục 2', 'Mục 3', 'Khác']]); // not a choice: the menu again
  });

  it('a stale "Khác" says the choices are gone', async () => {
    expect((await tap('more:rest'))[0]!.text).toContain('không còn');
    await tap('intent:help');
    await tap('pick:1');
    expect((await tap('more:rest'))[0]!.text).toContain('không còn');
    expect(MAX_QUICK_REPLIES).toBe(4);
  });
});
