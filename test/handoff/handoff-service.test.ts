import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { parseOfficeHours } from '../../src/domain/office-hours.js';
import type { TurnContext } from '../../src/engine/types.js';
import { HandoffService } from '../../src/handoff/handoff-service.js';
import { AuditLog } from '../../src/staff/audit-log.js';
import type { StaffIdentity } from '../../src/staff/scope.js';
import type { Storage } from '../../src/storage/repositories.js';
import { openTestStorage } from '../support/storage.js';

const officer: StaffIdentity = { username: 'canbo', displayName: 'Cán bộ A', role: 'officer', communes: ['10813'] };
const MONDAY_9AM = '2026-12-07T02:00:00Z';

let clock: ManualClock;
let storage: Storage;
let sent: string[];
/** The ids of the messages the messenger was asked to deliver, sent or not. */
let tried: string[];
let reachable: boolean;
let counted: string[];
const build = () =>
  new HandoffService({
    repo: storage.handoffs,
    clock,
    calendar: { hours: parseOfficeHours('Mon-Fri 07:30-11:30,13:30-17:00'), holidays: new Set() },
    claimMinutes: 60,
    replyMinutes: 30,
    audit: new AuditLog(storage.audit, clock),
    messenger: {
      deliver: async (_h, { id, text }) => {
        tried.push(id);
        if (!reachable) return 'waiting';
        sent.push(text);
        return 'delivered';
      },
      reachable: async () => reachable,
    },
    communeName: () => 'xã Thanh Hà',
    staffAccount: async () => undefined,
    stats: {
      recordHandoff: async ({ commune, topic }) => void counted.push(`handoff ${commune} ${topic}`),
      recordStaffResponse: async ({ commune, seconds }) => void counted.push(`response ${commune} ${seconds}`),
    },
  });
/** Just what relay and release read of a turn. */
const turn = (text: string) => ({ text, session: { key: 'zalo:u1' } }) as unknown as TurnContext;

beforeEach(async () => {
  clock = new ManualClock(MONDAY_9AM);
  storage = await openTestStorage(await mkdtemp(join(tmpdir(), 'handoff-service-')));
  sent = [];
  tried = [];
  counted = [];
  reachable = true;
});

describe('HandoffService', () => {
  it('an officer who claims and leaves the citizen without a reply hands the conversation back (timed_out)', async () => {
    const service = build();
    const h = await service.request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: 'loans', transcript: [{ from: 'citizen', text: 'Hỏi' }] });
    expect(await service.ownerOf('zalo:u1')).toBe('waiting');
    await service.claim(officer, h.id);
    expect(await service.ownerOf('zalo:u1')).toBe('officer');
    clock.advance(29 * 60_000);
    expect(await service.sweep()).toBe(0);
    clock.advance(60_000);
    expect(await service.sweep()).toBe(1);
    expect(await service.ownerOf('zalo:u1')).toBe('bot');
    expect(sent.at(-1)).toMatch(/cán bộ xã Thanh Hà chưa trả lời được bạn/);
    expect(await storage.handoffs.get(h.id)).toMatchObject({ status: 'closed', outcome: 'timed_out', deadlineAt: null });
    expect((await storage.audit.list({ limit: 10 })).map((e) => e.action)).toContain('handoff.timed_out');
    expect(counted).toEqual(['handoff 10813 loans']);
  });

  it('counts a handoff and the first reply’s delay for the dashboard, not the later replies', async () => {
    const service = build();
    const h = await service.request({ channel: 'web', userId: 'u2', commune: '10813', topic: 'health_insurance', transcript: [] });
    clock.advance(90_000);
    await service.claim(officer, h.id);
    await service.reply(officer, h.id, 'Trả lời');
    clock.advance(60_000);
    await service.reply(officer, h.id, 'Thêm một ý');
    expect(counted).toEqual(['handoff 10813 health_insurance', 'response 10813 90']);
  });

  it('a reply clears the deadline; the citizen’s next message starts a new one; held replies come with it', async () => {
    const service = build();
    const h = await service.request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: null, transcript: [] });
    await service.claim(officer, h.id);
    reachable = false;
    const line = (await service.reply(officer, h.id, 'Trả lời')).messages.at(-1)!;
    expect((await storage.handoffs.get(h.id))?.deadlineAt).toBeNull();
    clock.advance(3 * 3_600_000);
    expect(await service.sweep()).toBe(0);
    // Tried under the transcript line's id, and held under it too: a widget that got it after all shows it once.
    expect(tried).toEqual([line.id]);
    expect(await service.relay(turn('cảm ơn'))).toEqual([{ text: 'Cán bộ xã Thanh Hà: Trả lời', pushId: line.id }]);
    expect(await service.relay(turn('còn gì nữa không'))).toEqual([]);
    expect((await storage.handoffs.get(h.id))?.deadlineAt).not.toBeNull();
  });

  it('survives a restart: deadlines and owners come back from storage', async () => {
    const h = await build().request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: null, transcript: [] });
    const again = build();
    await again.start();
    expect(await again.ownerOf('zalo:u1')).toBe('waiting');
    clock.advance(60 * 60_000);
    expect(await again.sweep()).toBe(1);
    expect(await storage.handoffs.get(h.id)).toMatchObject({ status: 'closed', outcome: 'unclaimed' });
  });

  it('refuses what the state machine forbids: claiming twice, replying to a closed one, cancelling once returned', async () => {
    const service = build();
    const h = await service.request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: null, transcript: [] });
    await service.claim(officer, h.id);
    await expect(service.claim(officer, h.id)).rejects.toMatchObject({ code: 'conversation_state' });
    expect(await service.release(turn('hủy'))).toEqual([expect.objectContaining({ text: expect.stringMatching(/Đã hủy yêu cầu/) })]);
    await expect(service.reply(officer, h.id, 'muộn')).rejects.toMatchObject({ code: 'conversation_state' });
    await expect(service.close(officer, h.id, 'answered')).rejects.toMatchObject({ code: 'conversation_state' });
    await expect(service.request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: null, transcript: [] })).resolves.toMatchObject({ status: 'waiting' });
    await expect(service.request({ channel: 'zalo', userId: 'u1', commune: '10813', topic: null, transcript: [] })).rejects.toThrow(/cannot take the event "request"/);
  });
});
