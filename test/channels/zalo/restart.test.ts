import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZaloEvent } from '../../../src/channels/zalo/events.js';
import type { JournalRecord } from '../../../src/storage/records.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { startZaloTestBed, type ZaloTestBed } from './support/setup.js';
import { type ServiceProcess, spawnService } from './support/spawn-service.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('Zalo events after a crash', () => {
  it('finishes events cut off by a crash: "received" ones are handled, "replying" ones send what Zalo shows did not go out', async () => {
    const bed: ZaloTestBed = await startZaloTestBed();
    cleanup.push(() => bed.close());
    const { clock, mock } = bed;
    const timestamp = String(clock.now().getTime() - 1000);
    const event = (userId: string, msgId: string): ZaloEvent => ({ kind: 'text', userId, msgId, text: 'xin chào', timestamp });
    const received = event('4000000000000000001', 'm1');
    const cutOff = event('4000000000000000002', 'm2');
    const sentBeforeCrash = event('4000000000000000003', 'm3');
    const noRepliesKept = event('4000000000000000004', 'm4');
    const halfSent = event('4000000000000000005', 'm5');
    const id = (msgId: string) => createHash('sha256').update(`msg:${msgId}`).digest('hex');
    const kept = [{ text: 'Câu trả lời đã soạn xong trước khi máy chủ dừng.' }];
    const keptTwo = [{ text: 'Về dữ liệu của bạn: trợ lý lưu mã người dùng…' }, { text: 'Xin chào! Bạn cần hỏi về chính sách nào?' }];

    for (const e of [received, cutOff, sentBeforeCrash, noRepliesKept, halfSent]) {
      mock.setUser(e.userId, { lastInteractionAt: clock.now().getTime() });
      const msgId = (e as { msgId: string }).msgId;
      await bed.service.storage.journal.recordIfNew({ id: id(msgId), receivedAt: clock.now().toISOString(), event: e, citizenId: `zalo:${e.userId}` });
    }
    await bed.service.storage.journal.advance(id('m2'), 'replying', undefined, kept);
    await bed.service.storage.journal.advance(id('m3'), 'replying', undefined, kept);
    await bed.service.storage.journal.advance(id('m4'), 'replying');
    await bed.service.storage.journal.advance(id('m5'), 'replying', undefined, keptTwo);
    // The reply to m3 reached Zalo just before the crash; of m5's two, only the first did.
    mock.messages.push({ messageId: 'before-crash', userId: sentBeforeCrash.userId, text: kept[0]!.text, message: { text: kept[0]!.text }, at: clock.now() });
    mock.messages.push({ messageId: 'first-of-two', userId: halfSent.userId, text: keptTwo[0]!.text, message: { text: keptTwo[0]!.text }, at: clock.now() });

    await bed.restart();
    await bed.settle();

    expect(mock.messagesTo(received.userId).length).toBeGreaterThan(0);
    expect(mock.messagesTo(cutOff.userId).map((m) => m.text)).toEqual([kept[0]!.text]);
    expect(mock.messagesTo(sentBeforeCrash.userId).map((m) => m.messageId)).toEqual(['before-crash']);
    expect(mock.messagesTo(noRepliesKept.userId)).toHaveLength(0);
    expect(mock.messagesTo(halfSent.userId).map((m) => m.text)).toEqual(keptTwo.map((r) => r.text));
    const journal = await bed.dataFile<JournalRecord>('journal');
    const outcome = (msgId: string) => journal.find((e) => e.id === id(msgId))?.outcome;
    expect([outcome('m1'), outcome('m2'), outcome('m3'), outcome('m4'), outcome('m5')]).toEqual([
      'sent',
      'sent',
      'sent_before_restart',
      'uncertain',
      'sent',
    ]);
    expect(JSON.stringify(journal)).not.toContain(kept[0]!.text);

    // A redelivery of any of them after the restart is recognised.
    const before = mock.messagesTo(received.userId).length;
    await mock.deliver({ ...mock.textEvent(received.userId, 'xin chào', 'm1'), timestamp });
    await bed.settle();
    expect(mock.messagesTo(received.userId)).toHaveLength(before);
  });

  it('answers a "received" event whose turn had saved the session before the crash as that turn did, once', async () => {
    const bed = await startZaloTestBed();
    cleanup.push(() => bed.close());
    const { clock, mock, service } = bed;
    const victim = '4000000000000000301';
    const control = '4000000000000000302';
    // Both in a self-assessment, asked question 2 (how many people): "4" answers it, and question 3 follows.
    for (const userId of [victim, control]) {
      for (const text of ['tu danh gia ho ngheo', 'xa']) {
        await mock.userSendsText(userId, text);
        await bed.settle();
      }
    }
    await mock.userSendsText(control, '4');
    await bed.settle();
    // The victim's "4" was journalled and its turn ran, saving the session (as the inbox runs it: under the journal
    // id); the instance died before the entry became "replying".
    const event: ZaloEvent = { kind: 'text', userId: victim, msgId: 'crash-window', text: '4', timestamp: String(clock.now().getTime()) };
    const id = createHash('sha256').update('msg:crash-window').digest('hex');
    await service.storage.journal.recordIfNew({ id, receivedAt: clock.now().toISOString(), event, citizenId: `zalo:${victim}` });
    await service.app.engine.handle({ channel: 'zalo', userId: victim, text: '4', id });

    await bed.restart();
    await bed.settle();
    const texts = (userId: string) => mock.messagesTo(userId).map((m) => m.text);
    expect(texts(control).at(-1)).toContain('Câu 3/15');
    expect(texts(victim).at(-1)).toContain('Câu 3/15');
    expect(texts(victim)).toEqual(texts(control));
  });

  it('stops cleanly in the middle of a burst and answers every event exactly once after the restart', async () => {
    const bed = await startZaloTestBed();
    cleanup.push(() => bed.close());
    const users = Array.from({ length: 60 }, (_, i) => `40000000000000001${String(i).padStart(2, '0')}`);
    const control = '4000000000000000200';
    await bed.mock.userSendsText(control, 'xin chào');
    await bed.settle();
    await Promise.all(users.map((u) => bed.mock.userSendsText(u, 'xin chào')));
    await bed.restart();
    await bed.settle();
    const texts = (id: string) => bed.mock.messagesTo(id).map((m) => m.text);
    for (const u of users) expect(texts(u)).toEqual(texts(control));
  });

  it('replies exactly once when the process is killed right after acknowledging, then restarted', async () => {
    const mock = await MockZalo.start();
    const dataDir = await mkdtemp(join(tmpdir(), 'zalo-kill-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }), () => mock.close());
    const start = async () => {
      const service = await spawnService({ ...mock.env(), DATA_DIR: dataDir });
      cleanup.push(async () => {
        service.child.kill('SIGKILL');
        await service.exited;
      });
      mock.webhookUrl = `${service.url}/webhooks/zalo`;
      return service;
    };
    const stop = async (service: ServiceProcess) => {
      service.child.kill('SIGTERM');
      return service.exited;
    };

    const userId = '4000000000000000003';
    const event = mock.textEvent(userId, 'xin chào');
    const first = await start();
    // SIGKILL the moment the status line arrives: the event is acknowledged, its reply not yet sent.
    const ack = await mock.deliver(event, { onStatus: () => first.child.kill('SIGKILL') });
    expect(ack.status).toBe(200);
    expect(await first.exited).toBe('SIGKILL');

    const second = await start();
    // Zalo may deliver it again too; the journal survived the kill.
    expect((await mock.deliver(event)).status).toBe(200);
    // A control citizen says the same once: one answer is what the engine gives to one message.
    const control = '4000000000000000004';
    await mock.userSendsText(control, 'xin chào');
    const texts = (id: string) => mock.messagesTo(id).map((m) => m.text);
    // Eventually, not quickly: on a busy machine a restarted service's start-up and its job retries take a while.
    const deadline = Date.now() + 60_000;
    while (texts(control).length === 0 || texts(userId).length < texts(control).length) {
      if (Date.now() > deadline) throw new Error(`no answer after the restart: ${texts(userId).length} vs ${texts(control).length}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // A clean stop finishes the events being handled.
    expect(await stop(second)).toBe(0);
    expect(texts(userId)).toEqual(texts(control));
  }, 90_000);
});
