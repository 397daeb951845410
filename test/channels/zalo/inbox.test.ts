import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { webCapabilities } from '../../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../../src/channels/zalo/capabilities.js';
import { ZaloClient } from '../../../src/channels/zalo/client.js';
import { ZaloInbox } from '../../../src/channels/zalo/inbox.js';
import { ZaloTokenManager } from '../../../src/channels/zalo/token-manager.js';
import { CitizenRegistry } from '../../../src/citizens/registry.js';
import { systemClock } from '../../../src/clock.js';
import { loadConfig, zaloSettings } from '../../../src/config.js';
import { ConversationEngine } from '../../../src/engine/engine.js';
import { SessionStore } from '../../../src/engine/session-store.js';
import { InProcessJobQueue } from '../../../src/jobs/job-queue.js';
import type { Parser } from '../../../src/nlu/types.js';
import { createPrivacyNoticeHook } from '../../../src/privacy/notice-hook.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { openTestStorage } from '../../support/storage.js';

/** Every message is a greeting, answered with one line: the inbox's scheduling is what is under test. */
const parser: Parser = {
  parse: (text) => ({ text, intent: { name: 'help', confidence: 1 }, ranking: [{ name: 'help', confidence: 1 }], entities: [] }),
};

let mock: MockZalo | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await mock?.close();
});

/** `notice`: the engine shows the privacy notice on first contact, as the service's does. */
async function startInbox({ notice = false } = {}) {
  mock = await MockZalo.start();
  const settings = zaloSettings(loadConfig({ ...mock.env(), DATA_DIR: 'unused' }))!;
  const storage = await openTestStorage(await mkdtemp(join(tmpdir(), 'inbox-')));
  const log = pino({ level: 'silent' });
  const tokens = new ZaloTokenManager({ settings, repo: storage.tokens, clock: systemClock, log });
  const client = new ZaloClient({ settings, tokens, log });
  const citizens = new CitizenRegistry(storage.citizens);
  const engine = new ConversationEngine({
    parser,
    hooks: notice ? [createPrivacyNoticeHook({ registry: citizens, privacyPageUrl: 'https://example.test/privacy' })] : [],
    skills: [{ name: 'answer', intents: ['help', 'fallback'], handleIntent: () => ({ replies: [{ text: 'Menu' }] }) }],
    sessions: new SessionStore({ repo: storage.sessions, clock: systemClock, idleMinutes: 30 }),
    clock: systemClock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
  });
  const jobs = new InProcessJobQueue();
  const inbox = new ZaloInbox({ engine, sender: client, history: client, citizens, journal: storage.journal, jobs, clock: systemClock, log });
  await inbox.start();
  close = async () => {
    await inbox.stop();
    await storage.close();
  };
  const userId = '4000000000000000001';
  mock.setUser(userId, { lastInteractionAt: Date.now() });
  const event = { kind: 'text' as const, userId, timestamp: String(Date.now()), text: 'xin chào', msgId: 'm1' };
  await storage.journal.recordIfNew({ id: 'j1', receivedAt: new Date().toISOString(), event, citizenId: `zalo:${userId}` });
  return { inbox, engine, storage, userId, sent: () => mock!.messagesTo(userId).length, texts: () => mock!.messagesTo(userId).map((m) => m.text) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An acknowledgement that accepts the event and is still being written until `release()`. */
function holdAcknowledgement(inbox: ZaloInbox, userId: string) {
  let release!: () => void;
  const done = inbox.acknowledge(async () => {
    await inbox.accept(userId);
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  return { done, release: () => release() };
}

describe('Zalo inbox', () => {
  it('answers an event only once the acknowledgements being written have gone out', async () => {
    const { inbox, userId, sent } = await startInbox();
    const acknowledgement = holdAcknowledgement(inbox, userId);
    await sleep(50);
    expect(sent()).toBe(0);
    acknowledgement.release();
    await acknowledgement.done;
    await inbox.idle();
    expect(sent()).toBe(1);
  });

  it('gives the privacy notice again when the message it was recorded for is handled again after a crash that lost the session', async () => {
    const { inbox, engine, storage, userId, texts } = await startInbox({ notice: true });
    // The first attempt's turn ran and recorded the notice, then the process died before its replies were journalled,
    // and before the session was snapshotted (a saved one would give the turn's replies again): the turn runs again.
    const lost = await engine.handle({ channel: 'zalo', userId, text: 'xin chào', id: 'j1' });
    expect(lost[0]?.text).toContain('Về dữ liệu của bạn');
    await engine.sessions.delete(`zalo:${userId}`);
    await inbox.accept(userId);
    await inbox.idle();
    expect(texts()[0]).toContain('Về dữ liệu của bạn');
    // The next message is not owed it.
    const event = { kind: 'text' as const, userId, timestamp: String(Date.now()), text: 'xin chào', msgId: 'm2' };
    await storage.journal.recordIfNew({ id: 'j2', receivedAt: new Date().toISOString(), event, citizenId: `zalo:${userId}` });
    await inbox.accept(userId);
    await inbox.idle();
    expect(texts().filter((t) => t.includes('Về dữ liệu của bạn'))).toHaveLength(1);
  });

  it('does not wait for acknowledgements longer than 200 ms (a steady stream is still answered)', async () => {
    const { inbox, userId, sent } = await startInbox();
    const acknowledgement = holdAcknowledgement(inbox, userId);
    const deadline = Date.now() + 2_000;
    while (sent() === 0 && Date.now() < deadline) await sleep(20);
    expect(sent()).toBe(1);
    acknowledgement.release();
    await acknowledgement.done;
  });
});
