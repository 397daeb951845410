import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { webCapabilities } from '../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../src/channels/zalo/capabilities.js';
import { ManualClock } from '../../src/clock.js';
import { ConversationEngine } from '../../src/engine/engine.js';
import { SessionStore } from '../../src/engine/session-store.js';
import type { FlowState, Skill, TurnContext } from '../../src/engine/types.js';
import type { Parser } from '../../src/nlu/types.js';
import { openTestStorage } from '../support/storage.js';

/** Keyword parser: enough to route test messages; the engine under test is real. */
const parser: Parser = {
  parse: (text) => {
    const name = /dem/.test(text) ? 'count' : /chao/.test(text) ? 'greeting' : /may nguoi/.test(text) ? 'ask' : 'fallback';
    return { text, intent: { name, confidence: 1 }, ranking: [{ name, confidence: 1 }], entities: [] };
  },
};

const replyTo = (text: string) => ({ replies: [{ text }] });

/** A three-step counting flow, with back and resume, to exercise the engine's flow handling. */
const counter: Skill = {
  name: 'counter',
  intents: ['count'],
  handleIntent: () => ({
    replies: [{ text: 'Bước 1', quickReplies: [{ title: 'Tiếp', payload: 'counter:next' }] }],
    flow: { skill: 'counter', step: '1', data: {}, history: [] },
  }),
  continueFlow: async (ctx: TurnContext, flow: FlowState) => {
    if (ctx.message.payload !== 'counter:next' && ctx.text !== 'next') return null;
    // Slow step: proves two messages of one user do not interleave.
    await new Promise((r) => setTimeout(r, 20));
    const step = Number(flow.step) + 1;
    if (step > 3) return { replies: [{ text: 'Xong' }], flow: null };
    return {
      replies: [{ text: `Bước ${step}`, quickReplies: [{ title: 'Tiếp', payload: 'counter:next' }] }],
      flow: { ...flow, step: String(step), history: [...(flow.history ?? []), { step: flow.step, data: {} }] },
    };
  },
  back: (_ctx, flow) => {
    const previous = flow.history?.at(-1);
    if (!previous) return replyTo(`Bước ${flow.step}`);
    return { replies: [{ text: `Bước ${previous.step}` }], flow: { ...flow, step: previous.step, history: flow.history!.slice(0, -1) } };
  },
  resume: (_ctx, flow) => replyTo(`Bước ${flow.step}`),
};

/** One question that declares its answer: the engine reads the reply, the skill gets the reading. */
const asker: Skill = {
  name: 'asker',
  intents: ['ask'],
  handleIntent: () => ({
    replies: [{ text: 'Mấy người?', expects: { kind: 'count', owner: 'asker' } }],
    flow: { skill: 'asker', step: 'size', data: {} },
  }),
  answer: (ctx) =>
    ctx.answer?.kind === 'count'
      ? { replies: [{ text: `Ghi nhận ${ctx.answer.value} người` }], flow: null }
      : { replies: [{ text: 'Mấy người?', expects: { kind: 'count', owner: 'asker' } }], unanswered: true },
  resume: () => ({ replies: [{ text: 'Mấy người?', expects: { kind: 'count', owner: 'asker' } }] }),
};

const faq: Skill = {
  name: 'answer',
  intents: ['help', 'fallback', 'greeting'],
  handleIntent: (_ctx, intent) => ({
    replies: [{ text: intent === 'help' ? 'Menu' : intent === 'greeting' ? 'Xin chào' : 'Không hiểu', quickReplies: [{ title: 'Đếm', payload: 'intent:count' }] }],
  }),
};

let clock: ManualClock;
let engine: ConversationEngine;
let sessions: SessionStore;
let dataDir: string;
beforeEach(async () => {
  clock = new ManualClock('2026-11-28T03:00:00Z');
  dataDir = await mkdtemp(join(tmpdir(), 'engine-'));
  const storage = await openTestStorage(dataDir);
  sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: 30 });
  engine = new ConversationEngine({
    parser,
    skills: [faq, counter, asker],
    sessions,
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });
});

const say = async (text: string, userId = 'u1') => (await engine.handle({ channel: 'web', userId, text })).map((r) => r.text);

describe('conversation engine', () => {
  it('runs a flow and maps a typed menu number to the quick reply', async () => {
    expect(await say('dem')).toEqual(['Bước 1']);
    expect(await say('1')).toEqual(['Bước 2']);
    expect(await say('next')).toEqual(['Bước 3']);
    expect(await say('next')).toEqual(['Xong']);
    expect(sessions.peek('web:u1')?.flow).toBeNull();
  });

  it.each(['Tiếp', 'tiep', 'TIEP!'])('a typed button title ("%s") counts as tapping the button', async (typed) => {
    await say('dem');
    expect(await say(typed)).toEqual(['Bước 2']);
  });

  it.each(['hủy', 'huy', 'Hủy ạ', 'HUY', 'thoát'])('"%s" cancels the flow in any step', async (word) => {
    await say('dem');
    await say('next');
    const replies = await say(word);
    expect(replies[0]).toMatch(/Đã hủy/);
    expect(sessions.peek('web:u1')?.flow).toBeNull();
  });

  it.each(['menu', 'Menu', 'me nu'])('"%s" shows the menu without losing the flow, and "tiếp tục" resumes', async (word) => {
    await say('dem');
    await say('next');
    const menu = await engine.handle({ channel: 'web', userId: 'u1', text: word });
    expect(menu[0]?.text).toBe('Menu');
    expect(menu[0]?.quickReplies?.[0]).toEqual({ title: 'Tiếp tục', payload: 'control:resume' });
    expect(await say('tiếp tục')).toEqual(['Bước 2']);
  });

  it('"quay lại" and "quay lai" go back one step; "làm lại" restarts the flow', async () => {
    await say('dem');
    await say('next');
    await say('next');
    expect(await say('quay lại')).toEqual(['Bước 2']);
    expect(await say('quay lai')).toEqual(['Bước 1']);
    await say('next');
    expect(await say('lam lai')).toEqual(['Bước 1']);
  });

  it('control words outside a flow show the menu', async () => {
    for (const word of ['hủy', 'quay lại', 'làm lại', 'menu']) expect(await say(word)).toEqual(['Menu']);
  });

  it('answers an unrelated question mid-flow and offers to resume', async () => {
    await say('dem');
    const replies = await engine.handle({ channel: 'web', userId: 'u1', text: 'xin chao' });
    expect(replies[0]?.text).toBe('Xin chào');
    expect(replies[0]?.quickReplies?.[0]?.payload).toBe('control:resume');
    expect(sessions.peek('web:u1')?.flow?.step).toBe('1');
  });

  it('expires a session after 30 idle minutes', async () => {
    await say('dem');
    clock.advance(29 * 60_000);
    expect(sessions.peek('web:u1')?.flow?.step).toBe('1');
    clock.advance(2 * 60_000);
    expect(await say('next')).toEqual(['Không hiểu']);
  });

  it("starts a hook's prepared reads with the turn's own, runs what they prepared in the hooks' order, and none on a relayed turn", async () => {
    const events: string[] = [];
    let owner: 'bot' | 'officer' = 'bot';
    const withHooks = new ConversationEngine({
      parser,
      skills: [faq],
      sessions,
      clock,
      capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
      ownership: {
        ownerOf: async () => {
          events.push('owner read');
          // The hook's read has started by the time the owner's is answered.
          await new Promise((r) => setTimeout(r, 5));
          events.push('owner answered');
          return owner;
        },
        relay: async () => [{ text: 'Đã chuyển' }],
        release: async () => [],
      },
      hooks: [
        {
          prepare: async (message) => {
            events.push(`prepare ${message.userId}`);
            return (ctx) => [{ text: `prepared for ${ctx.text}` }];
          },
        },
        { before: () => [{ text: 'plain before' }] },
      ],
    });
    const texts = async (text: string) => (await withHooks.handle({ channel: 'web', userId: 'u1', text })).map((r) => r.text);
    expect(await texts('xin chao')).toEqual(['prepared for xin chao', 'plain before', 'Xin chào']);
    expect(events).toEqual(['owner read', 'prepare u1', 'owner answered']);
    owner = 'officer';
    expect(await texts('alo')).toEqual(['Đã chuyển']);
  });

  it('serialises two concurrent messages of one user and keeps their order', async () => {
    await say('dem');
    const [first, second] = await Promise.all([say('next'), say('next')]);
    expect(first).toEqual(['Bước 2']);
    expect(second).toEqual(['Bước 3']);
  });

  it('keeps different users independent', async () => {
    await say('dem', 'a');
    expect(await say('next', 'b')).toEqual(['Không hiểu']);
    expect(await say('next', 'a')).toEqual(['Bước 2']);
  });

  it('reads the next message as the answer to the pending question, and clears it once answered', async () => {
    await say('hoi may nguoi');
    expect(sessions.peek('web:u1')?.pending).toEqual({ kind: 'count', owner: 'asker', options: [] });
    expect(await say('nhà em 4 người')).toEqual(['Ghi nhận 4 người']);
    expect(sessions.peek('web:u1')?.pending).toBeNull();
  });

  it('a message that is clearly something else is answered as such; the question stays open', async () => {
    await say('hoi may nguoi');
    // Nothing read, and the classifier is sure: the skill's re-ask is dropped for the greeting.
    const greeting = await say('xin chao');
    expect(greeting).toEqual(['Xin chào']);
    // A question of its own, even one the classifier does not know.
    expect(await say('tiền vay được bao nhiêu vậy?')).toEqual(['Không hiểu']);
    // Something else the skill cannot use is re-asked.
    expect(await say('đông lắm')).toEqual(['Mấy người?']);
    expect(await say('3')).toEqual(['Ghi nhận 3 người']);
  });

  it('snapshots the pending question with the session', async () => {
    await say('hoi may nguoi');
    await sessions.stop();
    const restored = new SessionStore({ repo: (await openTestStorage(dataDir)).sessions, clock, idleMinutes: 30 });
    await restored.restore();
    expect(restored.peek('web:u1')?.pending).toEqual({ kind: 'count', owner: 'asker', options: [] });
  });

  it('snapshots sessions and restores them after a restart', async () => {
    await say('dem');
    await sessions.stop();
    const restored = new SessionStore({ repo: (await openTestStorage(dataDir)).sessions, clock, idleMinutes: 30 });
    await restored.restore();
    expect(restored.peek('web:u1')?.flow?.skill).toBe('counter');
  });
});

