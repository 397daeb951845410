import { describe, expect, it } from 'vitest';
import type { HandoffRecord } from '../../src/storage/records.js';
import type { Storage } from '../../src/storage/repositories.js';

export const handoff = (id: string, overrides: Partial<HandoffRecord> = {}): HandoffRecord => ({
  id,
  citizenId: `web:${id}-citizen`,
  channel: 'web',
  userId: `${id}-citizen`,
  commune: '11311',
  status: 'waiting',
  assignee: null,
  createdAt: '2026-12-07T01:00:00.000Z',
  claimedAt: null,
  closedAt: null,
  outcome: null,
  deadlineAt: '2026-12-07T05:00:00.000Z',
  messages: [{ id: `${id}-m1`, at: '2026-12-07T01:00:00.000Z', from: 'citizen', author: null, text: 'Nhà tôi bị loại khỏi danh sách' }],
  ...overrides,
});

/**
 * What every HandoffRepository adapter must do (lowdb and PostgreSQL): run with a function that opens a
 * fresh, empty storage (and, for `reopen`, the same one again).
 */
export function handoffRepositoryContract(name: string, open: () => Promise<{ storage: Storage; reopen: () => Promise<Storage> }>): void {
  describe(`HandoffRepository contract (${name})`, () => {
    it('saves, replaces and reads back a handoff, durable across a reopen', async () => {
      const { storage, reopen } = await open();
      await storage.handoffs.save(handoff('a'));
      await storage.handoffs.save(handoff('a', { status: 'open', assignee: 'canbo' }));
      await storage.flush();
      const again = await reopen();
      expect(await again.handoffs.get('a')).toEqual(handoff('a', { status: 'open', assignee: 'canbo' }));
      expect(await again.handoffs.get('missing')).toBeUndefined();
    });

    it('lists by status and commune, newest first, and the active ones', async () => {
      const { storage } = await open();
      await storage.handoffs.save(handoff('old', { createdAt: '2026-12-01T01:00:00.000Z' }));
      await storage.handoffs.save(handoff('new', { createdAt: '2026-12-05T01:00:00.000Z', status: 'open' }));
      await storage.handoffs.save(handoff('other', { commune: '11314' }));
      await storage.handoffs.save(handoff('done', { status: 'closed', closedAt: '2026-12-06T01:00:00.000Z', outcome: 'answered' }));
      const ids = async (filter: Parameters<Storage['handoffs']['list']>[0]) => (await storage.handoffs.list(filter)).map((h) => h.id);
      expect(await ids({ statuses: ['waiting', 'open'], communes: ['11311'] })).toEqual(['new', 'old']);
      expect(await ids({ statuses: ['waiting'] })).toEqual(expect.arrayContaining(['old', 'other']));
      expect(await ids({ statuses: ['closed'] })).toEqual(['done']);
      expect(await ids({ statuses: ['waiting', 'open'], communes: ['11311'], limit: 1 })).toEqual(['new']);
      expect((await storage.handoffs.active()).map((h) => h.id).sort()).toEqual(['new', 'old', 'other']);
    });

    it('writes over the revision read only: a second writer from the same revision loses', async () => {
      const { storage } = await open();
      await storage.handoffs.save(handoff('a'));
      expect(await storage.handoffs.saveIfUnchanged(handoff('a', { status: 'open', revision: 1 }), 0)).toBe(true);
      expect(await storage.handoffs.saveIfUnchanged(handoff('a', { status: 'closed', revision: 1 }), 0)).toBe(false);
      expect(await storage.handoffs.get('a')).toMatchObject({ status: 'open', revision: 1 });
      expect(await storage.handoffs.saveIfUnchanged(handoff('a', { status: 'closed', revision: 2 }), 1)).toBe(true);
      expect(await storage.handoffs.saveIfUnchanged(handoff('missing', { revision: 1 }), 0)).toBe(false);
    });

    it('gives a citizen’s pending handoffs: active, or closed with a reply still waiting', async () => {
      const { storage } = await open();
      const closed = { status: 'closed' as const, closedAt: '2026-12-06T01:00:00.000Z', outcome: 'answered' as const, citizenId: 'web:x' };
      await storage.handoffs.save(handoff('active', { citizenId: 'web:x' }));
      await storage.handoffs.save(handoff('done', closed));
      const waiting = { id: 'w', at: '2026-12-06T01:00:00.000Z', from: 'officer' as const, author: 'canbo', text: 'Chào bác', delivery: 'waiting' as const };
      await storage.handoffs.save(handoff('holding', { ...closed, messages: [waiting] }));
      await storage.handoffs.save(handoff('someone-else'));
      expect((await storage.handoffs.pendingFor('web:x')).map((h) => h.id).sort()).toEqual(['active', 'holding']);
      await storage.handoffs.save(handoff('holding', { ...closed, messages: [{ ...waiting, delivery: 'delivered' }] }));
      expect((await storage.handoffs.pendingFor('web:x')).map((h) => h.id)).toEqual(['active']);
    });

    it('finds and deletes a citizen’s handoffs, and purges those closed before a date', async () => {
      const { storage } = await open();
      await storage.handoffs.save(handoff('a'));
      await storage.handoffs.save(handoff('b', { citizenId: 'web:a-citizen' }));
      await storage.handoffs.save(handoff('c', { status: 'closed', closedAt: '2025-01-01T00:00:00.000Z', outcome: 'other' }));
      expect((await storage.handoffs.forCitizen('web:a-citizen')).map((h) => h.id).sort()).toEqual(['a', 'b']);
      expect(await storage.handoffs.deleteForCitizen('web:a-citizen')).toBe(2);
      expect(await storage.handoffs.forCitizen('web:a-citizen')).toEqual([]);
      expect(await storage.handoffs.purgeClosedBefore(new Date('2026-01-01T00:00:00Z'))).toBe(1);
      expect(await storage.handoffs.get('c')).toBeUndefined();
    });

    it('keeps knowledge drafts until deleted', async () => {
      const { storage } = await open();
      const draft = { id: 'd1', question: 'Hỏi?', answer: 'Đáp.', topic: null, author: 'admin', createdAt: '2026-12-07T01:00:00.000Z', handoffId: null };
      await storage.knowledgeDrafts.add(draft);
      expect(await storage.knowledgeDrafts.list()).toEqual([draft]);
      expect(await storage.knowledgeDrafts.delete('d1')).toBe(true);
      expect(await storage.knowledgeDrafts.delete('d1')).toBe(false);
    });
  });
}
