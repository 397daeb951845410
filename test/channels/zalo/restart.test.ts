import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZaloEvent } from '../../../src/channels/zalo/events.js';
import { ManualClock } from '../../../src/clock.js';
import { openLowdbStorage } from '../../../src/storage/lowdb/index.js';
import type { JournalRecord } from '../../../src/storage/records.js';
import { MockZalo } from '../../support/mock-zalo/server.js';
import { startZaloTestBed, type ZaloTestBed } from './support/setup.js';
import { type ServiceProcess, spawnService } from './support/spawn-service.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('Zalo events after a crash', () => {
  it('handles journalled events left "received" and never resends those left "replying"', async () => {
    const clock = new ManualClock('2026-11-28T03:00:00Z');
    const dataDir = await mkdtemp(join(tmpdir(), 'zalo-recover-'));
    const storage = await openLowdbStorage(dataDir);
    const timestamp = String(clock.now().getTime());
    const received: ZaloEvent = { kind: 'text', userId: '4000000000000000001', msgId: 'm1', text: 'xin chào', timestamp };
    const replying: ZaloEvent = { kind: 'text', userId: '4000000000000000002', msgId: 'm2', text: 'xin chào', timestamp };
    const id = (event: ZaloEvent & { msgId: string }) => createHash('sha256').update(`msg:${event.msgId}`).digest('hex');
    for (const event of [received, replying]) {
      await storage.journal.recordIfNew({
        id: id(event as ZaloEvent & { msgId: string }),
        receivedAt: clock.now().toISOString(),
        event,
        citizenId: `zalo:${event.userId}`,
      });
    }
    await storage.journal.advance(id(replying as ZaloEvent & { msgId: string }), 'replying');
    await storage.flush();

    const bed: ZaloTestBed = await startZaloTestBed({ dataDir, mock: { clock } });
    cleanup.push(() => bed.close());
    for (const event of [received, replying]) bed.mock.setUser(event.userId, { lastInteractionAt: clock.now().getTime() });
    await bed.settle();

    const answered = bed.mock.messagesTo(received.userId).length;
    expect(answered).toBeGreaterThan(0);
    expect(bed.mock.messagesTo(replying.userId)).toHaveLength(0);
    const journal = await bed.dataFile<JournalRecord>('journal');
    expect(journal.map((e) => [e.state, e.outcome]).sort()).toEqual([
      ['done', 'sent'],
      ['done', 'uncertain'],
    ]);
    // A redelivery of either event after the restart is recognised.
    await bed.mock.deliver({ ...bed.mock.textEvent(received.userId, 'xin chào', 'm1'), timestamp });
    await bed.settle();
    expect(bed.mock.messagesTo(received.userId)).toHaveLength(answered);
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
    const deadline = Date.now() + 15_000;
    while (texts(control).length === 0 || texts(userId).length < texts(control).length) {
      if (Date.now() > deadline) throw new Error(`no answer after the restart: ${texts(userId).length} vs ${texts(control).length}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // A clean stop finishes the events being handled.
    expect(await stop(second)).toBe(0);
    expect(texts(userId)).toEqual(texts(control));
  }, 90_000);
});
