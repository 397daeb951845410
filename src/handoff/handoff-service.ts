import { randomUUID } from 'node:crypto';
import { citizenKey } from '../citizens/identity.js';
import type { Clock } from '../clock.js';
import { addOfficeMinutes, describeOpening, isOpen, nextOpening, type OfficeCalendar } from '../domain/office-hours.js';
import type { OwnershipGate, TurnHook } from '../engine/engine.js';
import { type Owner, type OwnershipEvent, transition } from '../engine/ownership.js';
import type { Reply, TurnContext } from '../engine/types.js';
import { AppError } from '../errors.js';
import type { AuditLog } from '../staff/audit-log.js';
import { mayActOn, type StaffIdentity } from '../staff/scope.js';
import type { HandoffMessage, HandoffRecord, StaffRecord } from '../storage/records.js';
import type { HandoffRepository } from '../storage/repositories.js';

/** Outcomes an officer may close a conversation with. */
export const OFFICER_OUTCOMES = ['answered', 'referred', 'no_response', 'other'] as const;
export type OfficerOutcome = (typeof OFFICER_OUTCOMES)[number];

/** Sends a text to the citizen of a handoff on their channel, when the channel allows it now. */
export interface CitizenMessenger {
  /** 'delivered', or 'waiting' (Zalo past its 7-day window, no widget open): it goes with the citizen's next message. */
  deliver(handoff: HandoffRecord, text: string): Promise<'delivered' | 'waiting'>;
  /** Whether a message sent now would reach the citizen (the console warns when not). */
  reachable(handoff: HandoffRecord): Promise<boolean>;
}

/** What the inbox is told when a handoff changes (ids and status only: the console reloads what it shows). */
export interface HandoffChange {
  id: string;
  commune: string;
  status: HandoffRecord['status'];
}

export interface HandoffServiceOptions {
  repo: HandoffRepository;
  clock: Clock;
  calendar: OfficeCalendar;
  claimMinutes: number;
  replyMinutes: number;
  audit: AuditLog;
  messenger: CitizenMessenger;
  /** "xã Thanh Hà" for a commune id. */
  communeName(id: string): string;
  staffAccount(username: string): Promise<StaffRecord | undefined>;
  /** The programme statistics (counts only): handoffs by topic, officers' first-response times. Never awaited. */
  stats: {
    recordHandoff(event: { commune: string | null; topic: string | null; at: Date }): Promise<void>;
    recordStaffResponse(event: { commune: string | null; seconds: number; at: Date }): Promise<void>;
  };
}

const OWNER_OF_STATUS: Record<HandoffRecord['status'], Owner> = { waiting: 'waiting', open: 'officer', closed: 'closed' };
const SYSTEM = 'system';

/**
 * Conversations handed to commune staff. The active ones (waiting, open) are kept in memory by citizen, so the
 * engine asks on every turn who answers without touching storage; every change is written before it is announced.
 * Deadlines are stored, so a restart resumes the sweeper where it was.
 */
export class HandoffService implements OwnershipGate {
  readonly #o: HandoffServiceOptions;
  readonly #active = new Map<string, HandoffRecord>();
  /** Citizens with replies waiting for their next message, from handoffs already closed. */
  readonly #heldAfterClose = new Map<string, Set<string>>();
  readonly #listeners = new Set<(change: HandoffChange) => void>();

  constructor(options: HandoffServiceOptions) {
    this.#o = options;
  }

  /** Loads the active handoffs and the closed ones still holding replies. */
  async start(): Promise<void> {
    for (const h of await this.#o.repo.active()) this.#active.set(h.citizenId, h);
    for (const h of await this.#o.repo.list({ statuses: ['closed'] })) {
      if (h.messages.some((m) => m.delivery === 'waiting')) this.#hold(h);
    }
  }

  /** Tells `listener` of every change (the inbox's live stream); returns the unsubscribe function. */
  onChange(listener: (change: HandoffChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  ownerOf(key: string): Owner {
    const h = this.#active.get(key);
    return h ? OWNER_OF_STATUS[h.status] : 'bot';
  }

  activeFor(key: string): HandoffRecord | undefined {
    return this.#active.get(key);
  }

  /** Office hours now: whether open, and when staff are next in. */
  availability(now: Date): { open: boolean; next: string | null } {
    const next = nextOpening(this.#o.calendar, now);
    return { open: isOpen(this.#o.calendar, now), next: next ? describeOpening(next) : null };
  }

  /** The citizen consented: the conversation waits for an officer of `commune`, with the transcript given. */
  async request(input: {
    channel: HandoffRecord['channel'];
    userId: string;
    commune: string;
    /** The topic of the question handed over, when known (statistics only). */
    topic: string | null;
    transcript: { from: 'citizen' | 'bot'; text: string }[];
  }): Promise<HandoffRecord> {
    const key = citizenKey(input.channel, input.userId);
    const now = this.#now();
    const state = transition(this.ownerOf(key), 'request');
    const handoff: HandoffRecord = {
      id: randomUUID(),
      citizenId: key,
      channel: input.channel,
      userId: input.userId,
      commune: input.commune,
      status: statusOf(state),
      assignee: null,
      createdAt: now.toISOString(),
      claimedAt: null,
      closedAt: null,
      outcome: null,
      deadlineAt: this.#deadline(now, this.#o.claimMinutes),
      messages: input.transcript.map((m) => message(now, m.from, null, m.text)),
    };
    await this.#save(handoff);
    void this.#o.stats.recordHandoff({ commune: input.commune, topic: input.topic, at: now });
    return handoff;
  }

  async relay(ctx: TurnContext): Promise<Reply[]> {
    const h = this.#active.get(ctx.session.key);
    if (!h) return [];
    const now = this.#now();
    if (ctx.text) h.messages.push(message(now, 'citizen', null, ctx.text));
    // An officer who holds it owes the citizen a reply from their first unanswered message on.
    if (h.status === 'open' && h.deadlineAt === null) h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
    const held = this.#takeHeld(h);
    await this.#save(h);
    return held.map((text) => ({ text }));
  }

  async release(ctx: TurnContext): Promise<Reply[]> {
    const h = this.#active.get(ctx.session.key);
    if (!h) return [];
    const held = this.#takeHeld(h);
    const notice = 'Đã hủy yêu cầu gặp cán bộ. Trợ lý tự động tiếp tục hỗ trợ bạn; nhắn "gặp cán bộ" nếu cần gửi lại.';
    this.#end(h, 'cancel', 'cancelled', SYSTEM, notice);
    await this.#save(h);
    return [...held.map((text) => ({ text })), { text: notice }];
  }

  /** Engine hook: replies still held from a closed handoff go out with the citizen's next message. */
  heldRepliesHook(): TurnHook {
    return {
      before: async (ctx) => {
        const ids = this.#heldAfterClose.get(ctx.session.key);
        if (!ids) return [];
        this.#heldAfterClose.delete(ctx.session.key);
        const replies: Reply[] = [];
        for (const id of ids) {
          const h = await this.#o.repo.get(id);
          if (!h) continue;
          replies.push(...this.#takeHeld(h).map((text) => ({ text })));
          await this.#o.repo.save(h);
        }
        return replies;
      },
    };
  }

  // --- staff side -------------------------------------------------------------------------------------------

  /** The handoffs of `statuses` the staff member may see (officers: their communes), newest first. */
  list(staff: StaffIdentity, statuses: HandoffRecord['status'][]): Promise<HandoffRecord[]> {
    return this.#o.repo.list({ statuses, communes: staff.role === 'admin' ? undefined : staff.communes, limit: 200 });
  }

  async get(staff: StaffIdentity, id: string): Promise<{ handoff: HandoffRecord; reachable: boolean }> {
    const handoff = await this.#visible(staff, id);
    return { handoff, reachable: handoff.status === 'closed' ? false : await this.#o.messenger.reachable(handoff) };
  }

  async claim(staff: StaffIdentity, id: string): Promise<HandoffRecord> {
    const h = await this.#current(staff, id);
    const now = this.#now();
    h.status = statusOf(this.#step(h, 'claim'));
    h.assignee = staff.username;
    h.claimedAt = now.toISOString();
    h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
    h.messages.push(message(now, 'system', staff.username, `${staff.displayName} đã nhận cuộc trò chuyện.`));
    await this.#save(h);
    await this.#o.audit.record(staff.username, 'handoff.claim', h.id, { commune: h.commune });
    return h;
  }

  /** The officer's reply: to the citizen now if their channel allows, else with their next message. */
  async reply(staff: StaffIdentity, id: string, text: string): Promise<HandoffRecord> {
    const h = await this.#current(staff, id);
    if (h.status !== 'open') throw new AppError('conversation_state');
    if (h.assignee !== staff.username) throw new AppError('not_your_conversation');
    const now = this.#now();
    const line = message(now, 'officer', staff.username, text);
    if (!h.messages.some((m) => m.from === 'officer')) {
      const seconds = (now.getTime() - Date.parse(h.createdAt)) / 1000;
      void this.#o.stats.recordStaffResponse({ commune: h.commune, seconds, at: now });
    }
    line.delivery = await this.#o.messenger.deliver(h, this.#officerText(h, text));
    h.messages.push(line);
    h.deadlineAt = null;
    await this.#save(h);
    await this.#o.audit.record(staff.username, 'handoff.reply', h.id, { delivery: line.delivery });
    return h;
  }

  /** An internal note: staff only, never sent to the citizen. */
  async note(staff: StaffIdentity, id: string, text: string): Promise<HandoffRecord> {
    const h = await this.#visible(staff, id);
    h.messages.push(message(this.#now(), 'note', staff.username, text));
    await this.#save(h);
    await this.#o.audit.record(staff.username, 'handoff.note', h.id);
    return h;
  }

  /** Passes an open conversation to a colleague who acts for its commune. */
  async handOver(staff: StaffIdentity, id: string, to: string): Promise<HandoffRecord> {
    const h = await this.#current(staff, id);
    const colleague = await this.#o.staffAccount(to);
    if (!colleague || colleague.disabled || !mayActOn({ role: colleague.role, communes: colleague.communes }, [h.commune])) {
      throw new AppError('unknown_colleague');
    }
    const now = this.#now();
    // A waiting conversation is claimed for the colleague; an open one changes hands.
    h.status = statusOf(this.#step(h, h.status === 'waiting' ? 'claim' : 'hand_over'));
    h.assignee = colleague.id;
    h.claimedAt ??= now.toISOString();
    h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
    h.messages.push(message(now, 'system', staff.username, `${staff.displayName} đã chuyển cho ${colleague.displayName}.`));
    await this.#save(h);
    await this.#o.audit.record(staff.username, 'handoff.hand_over', h.id, { to: colleague.id });
    return h;
  }

  async close(staff: StaffIdentity, id: string, outcome: OfficerOutcome): Promise<HandoffRecord> {
    const h = await this.#current(staff, id);
    const notice = `Cán bộ ${this.#o.communeName(h.commune)} đã kết thúc cuộc trò chuyện. Trợ lý tự động tiếp tục hỗ trợ bạn; nhắn "gặp cán bộ" nếu cần hỏi thêm.`;
    this.#end(h, 'close', outcome, staff.username, notice);
    const line = h.messages.at(-1)!;
    line.delivery = await this.#o.messenger.deliver(h, notice);
    await this.#save(h);
    await this.#o.audit.record(staff.username, 'handoff.close', h.id, { outcome });
    return h;
  }

  /** Hands back to the bot every conversation whose deadline passed (unclaimed, or left without a reply). */
  async sweep(): Promise<number> {
    const now = this.#now();
    let swept = 0;
    for (const h of [...this.#active.values()]) {
      if (h.deadlineAt === null || Date.parse(h.deadlineAt) > now.getTime()) continue;
      const unclaimed = h.status === 'waiting';
      const commune = this.#o.communeName(h.commune);
      const notice = unclaimed
        ? `Xin lỗi, chưa có cán bộ nào nhận câu hỏi của bạn trong giờ làm việc. Trợ lý tự động tiếp tục trả lời bạn. Bạn có thể đến UBND ${commune} trong giờ hành chính, hoặc nhắn "gặp cán bộ" để gửi lại.`
        : `Xin lỗi, cán bộ ${commune} chưa trả lời được bạn. Trợ lý tự động tiếp tục trả lời bạn. Bạn có thể đến UBND ${commune} trong giờ hành chính, hoặc nhắn "gặp cán bộ" để gửi lại.`;
      this.#end(h, unclaimed ? 'unclaimed' : 'timed_out', unclaimed ? 'unclaimed' : 'timed_out', SYSTEM, notice);
      const line = h.messages.at(-1)!;
      line.delivery = await this.#o.messenger.deliver(h, notice);
      await this.#save(h);
      await this.#o.audit.record(SYSTEM, `handoff.${h.outcome}`, h.id, { commune: h.commune });
      swept++;
    }
    return swept;
  }

  /** Personal-data deletion: the citizen's handoffs leave memory (storage deletes the records). */
  forget(key: string): void {
    const h = this.#active.get(key);
    this.#active.delete(key);
    this.#heldAfterClose.delete(key);
    if (h) this.#announce({ ...h, status: 'closed' });
  }

  // --- internals --------------------------------------------------------------------------------------------

  #now(): Date {
    return this.#o.clock.now();
  }

  #deadline(now: Date, minutes: number): string | null {
    return addOfficeMinutes(this.#o.calendar, now, minutes)?.toISOString() ?? null;
  }

  #step(h: HandoffRecord, event: OwnershipEvent): Owner {
    const owner = OWNER_OF_STATUS[h.status];
    try {
      return transition(owner, event);
    } catch {
      throw new AppError('conversation_state');
    }
  }

  /** Back to the bot (cancel, timeouts) or closed by an officer; the notice is the transcript's last line. */
  #end(h: HandoffRecord, event: OwnershipEvent, outcome: NonNullable<HandoffRecord['outcome']>, author: string, notice: string): void {
    const now = this.#now();
    this.#step(h, event);
    h.status = 'closed';
    h.outcome = outcome;
    h.closedAt = now.toISOString();
    h.deadlineAt = null;
    h.messages.push({ ...message(now, 'bot', author === SYSTEM ? null : author, notice), delivery: 'delivered' });
  }

  async #visible(staff: StaffIdentity, id: string): Promise<HandoffRecord> {
    const h = (await this.#o.repo.get(id)) ?? null;
    if (!h) throw new AppError('unknown_conversation');
    if (!mayActOn(staff, [h.commune])) throw new AppError('forbidden_conversation');
    return h;
  }

  /** As #visible, the in-memory copy for an active one (the engine's turns change that copy). */
  async #current(staff: StaffIdentity, id: string): Promise<HandoffRecord> {
    const stored = await this.#visible(staff, id);
    const live = this.#active.get(stored.citizenId);
    return live?.id === id ? live : stored;
  }

  #officerText(h: HandoffRecord, text: string): string {
    return `Cán bộ ${this.#o.communeName(h.commune)}: ${text}`;
  }

  /** The texts waiting for the citizen's next message, as the citizen sees them, marked delivered. */
  #takeHeld(h: HandoffRecord): string[] {
    const held = h.messages.filter((m) => m.delivery === 'waiting');
    for (const m of held) m.delivery = 'delivered';
    return held.map((m) => (m.from === 'officer' ? this.#officerText(h, m.text) : m.text));
  }

  #hold(h: HandoffRecord): void {
    const ids = this.#heldAfterClose.get(h.citizenId) ?? new Set<string>();
    ids.add(h.id);
    this.#heldAfterClose.set(h.citizenId, ids);
  }

  async #save(h: HandoffRecord): Promise<void> {
    await this.#o.repo.save(h);
    if (h.status === 'closed') {
      if (this.#active.get(h.citizenId)?.id === h.id) this.#active.delete(h.citizenId);
      if (h.messages.some((m) => m.delivery === 'waiting')) this.#hold(h);
    } else {
      this.#active.set(h.citizenId, h);
    }
    this.#announce(h);
  }

  #announce(h: Pick<HandoffRecord, 'id' | 'commune' | 'status'>): void {
    for (const listener of this.#listeners) listener({ id: h.id, commune: h.commune, status: h.status });
  }
}

function statusOf(owner: Owner): HandoffRecord['status'] {
  if (owner === 'waiting') return 'waiting';
  if (owner === 'officer') return 'open';
  return 'closed';
}

function message(at: Date, from: HandoffMessage['from'], author: string | null, text: string): HandoffMessage {
  return { id: randomUUID(), at: at.toISOString(), from, author, text };
}

