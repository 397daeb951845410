import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { citizenKey } from '../citizens/identity.js';
import type { Clock } from '../clock.js';
import { addOfficeMinutes, describeOpening, isOpen, nextOpening, type OfficeCalendar } from '../domain/office-hours.js';
import type { OwnershipGate, TurnHook } from '../engine/engine.js';
import { type Owner, type OwnershipEvent, transition } from '../engine/ownership.js';
import type { TurnKnowledge } from '../engine/session-store.js';
import type { Reply, TurnContext } from '../engine/types.js';
import { AppError } from '../errors.js';
import type { AuditLog } from '../staff/audit-log.js';
import { mayActOn, type StaffIdentity } from '../staff/scope.js';
import { HANDOFF_STATUSES, type HandoffMessage, type HandoffRecord, type StaffRecord } from '../storage/records.js';
import type { HandoffRepository } from '../storage/repositories.js';

/** Outcomes an officer may close a conversation with. */
export const OFFICER_OUTCOMES = ['answered', 'referred', 'no_response', 'other'] as const;
export type OfficerOutcome = (typeof OFFICER_OUTCOMES)[number];

/** Sends a text to the citizen of a handoff on their channel, when the channel allows it now. */
export interface CitizenMessenger {
  /**
   * 'delivered', or 'waiting' (Zalo past its 7-day window, no widget open): it goes with the citizen's next message.
   * `id` is the transcript line's: a widget shows a message pushed under it once, even if it also comes with the next
   * message (its push was confirmed too late).
   */
  deliver(handoff: HandoffRecord, message: { id: string; text: string }): Promise<'delivered' | 'waiting'>;
  /** Whether a message sent now would reach the citizen (the console warns when not). */
  reachable(handoff: HandoffRecord): Promise<boolean>;
}

/** What the inbox is told when a handoff changes (ids and status only: the console reloads what it shows). */
export interface HandoffChange {
  id: string;
  commune: string;
  status: HandoffRecord['status'];
}
const handoffChange = z.object({ id: z.string(), commune: z.string(), status: z.enum(HANDOFF_STATUSES) });

/**
 * Carries the inbox's changes to every instance of the service, this one included (Redis pub/sub, or PostgreSQL
 * LISTEN/NOTIFY), so an officer's live inbox hears of a change whichever instance made it.
 */
export interface HandoffChangeRelay {
  /** Never rejects: a change that cannot be relayed is logged (the console reloads its list on reconnecting). */
  publish(message: string): Promise<void>;
  /** `deliver` is called with every message published by any instance. */
  listen(deliver: (message: string) => void): Promise<void>;
}

/**
 * Each citizen's handoff mark, kept beside their session (Redis): changed by every request, so that a turn which knows
 * the citizen had no handoff under the mark it reads with the session may skip reading the handoffs (TurnKnowledge).
 */
export interface HandoffMarks {
  handoffRequested(citizenKey: string): Promise<void>;
  /**
   * The citizen's data is being erased, their handoffs with it: the mark goes (no mark reads as '', and "no handoff"
   * is true under any mark once the handoffs are deleted).
   */
  forgetMark(citizenKey: string): Promise<void>;
}

export interface HandoffServiceOptions {
  repo: HandoffRepository;
  clock: Clock;
  calendar: OfficeCalendar;
  claimMinutes: number;
  replyMinutes: number;
  audit: AuditLog;
  messenger: CitizenMessenger;
  /** Several instances: the inbox's changes go through it to every instance; without it, to this one's listeners. */
  relay?: HandoffChangeRelay | null;
  /** With Redis: the marks turns read with the session. Without, every turn reads the handoffs. */
  marks?: HandoffMarks | null;
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
/** Writes lost to another instance's, in a row, before a change gives up (each loss means another change went in). */
const MAX_CONFLICTS = 10;

/**
 * Conversations handed to commune staff. Nothing is kept in memory between turns: every instance reads a handoff
 * from storage when it needs it (the engine asks on every turn who answers) and writes it back only if nobody
 * changed it since (its revision), else reads it again and redoes its change. So a citizen's message on one instance,
 * an officer's reply on another and the sweeper on each never undo one another, and only one sweeper hands a
 * conversation back. Deadlines are stored, so a restart resumes the sweeper where it was.
 */
export class HandoffService implements OwnershipGate {
  readonly #o: HandoffServiceOptions;
  /** The citizen's handoffs as this turn's `ownerOf` read them, for the relay, release or held replies that follow. */
  readonly #read = new Map<string, HandoffRecord[]>();
  readonly #listeners = new Set<(change: HandoffChange) => void>();

  constructor(options: HandoffServiceOptions) {
    this.#o = options;
  }

  /** With a relay: starts hearing every instance's changes (before the service takes traffic). */
  async start(): Promise<void> {
    await this.#o.relay?.listen((message) => {
      let change: HandoffChange;
      try {
        change = handoffChange.parse(JSON.parse(message));
      } catch {
        return; // not a change of this version: ignored
      }
      this.#tell(change);
    });
  }

  /** Tells `listener` of every change (the inbox's live stream); returns the unsubscribe function. */
  onChange(listener: (change: HandoffChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async ownerOf(key: string, known?: TurnKnowledge): Promise<Owner> {
    // None pending under the mark read with the session: none since (a request changes the mark once it is stored).
    if (known && known.facts.noHandoffAtMark === known.handoffMark) {
      this.#read.set(key, []);
      return 'bot';
    }
    const pending = await this.#o.repo.pendingFor(key);
    // Taken by the same turn's relay, release or held replies (one of them follows every turn's question).
    this.#read.set(key, pending);
    // The mark was read before the handoffs were: a request stored since has changed it, and the next turn reads again.
    if (known && pending.length === 0) known.facts.noHandoffAtMark = known.handoffMark;
    else if (known) delete known.facts.noHandoffAtMark;
    return ownerIn(pending);
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
    const state = transition(ownerIn(await this.#o.repo.pendingFor(key)), 'request');
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
      revision: 0,
    };
    await this.#o.repo.save(handoff);
    // After the handoff is stored: a turn that reads the new mark then reads the handoffs and finds it.
    await this.#o.marks?.handoffRequested(key);
    this.#announce(handoff);
    void this.#o.stats.recordHandoff({ commune: input.commune, topic: input.topic, at: now });
    return handoff;
  }

  async relay(ctx: TurnContext): Promise<Reply[]> {
    const found = (await this.#turnRead(ctx.session.key)).find((h) => h.status !== 'closed');
    if (!found) return [];
    const now = this.#now();
    let held: Reply[] = [];
    await this.#update(found, (h) => {
      if (h.status === 'closed') return false;
      if (ctx.text) h.messages.push(message(now, 'citizen', null, ctx.text));
      // An officer who holds it owes the citizen a reply from their first unanswered message on.
      if (h.status === 'open' && h.deadlineAt === null) h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
      held = this.#takeHeld(h);
      return true;
    });
    return held;
  }

  async release(ctx: TurnContext): Promise<Reply[]> {
    const found = (await this.#turnRead(ctx.session.key)).find((h) => h.status !== 'closed');
    if (!found) return [];
    const notice = 'Đã hủy yêu cầu gặp cán bộ. Trợ lý tự động tiếp tục hỗ trợ bạn; nhắn "gặp cán bộ" nếu cần gửi lại.';
    let held: Reply[] = [];
    const h = await this.#update(found, (h) => {
      if (h.status === 'closed') return false;
      held = this.#takeHeld(h);
      this.#end(h, 'cancel', 'cancelled', SYSTEM, notice, 'delivered');
      return true;
    });
    return h ? [...held, { text: notice }] : [];
  }

  /** Engine hook: replies still held from a closed handoff go out with the citizen's next message. */
  heldRepliesHook(): TurnHook {
    return {
      before: async (ctx) => {
        const replies: Reply[] = [];
        for (const found of await this.#turnRead(ctx.session.key)) {
          if (found.status !== 'closed') continue;
          let held: Reply[] = [];
          await this.#update(found, (h) => {
            held = this.#takeHeld(h);
            return held.length > 0;
          });
          replies.push(...held);
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
    const now = this.#now();
    const h = await this.#staffUpdate(staff, id, (h) => {
      h.status = statusOf(this.#step(h, 'claim'));
      h.assignee = staff.username;
      h.claimedAt = now.toISOString();
      h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
      h.messages.push(message(now, 'system', staff.username, `${staff.displayName} đã nhận cuộc trò chuyện.`));
    });
    await this.#o.audit.record(staff.username, 'handoff.claim', h.id, { commune: h.commune });
    return h;
  }

  /** The officer's reply: to the citizen now if their channel allows, else with their next message. */
  async reply(staff: StaffIdentity, id: string, text: string): Promise<HandoffRecord> {
    const read = await this.#visible(staff, id);
    if (read.status !== 'open') throw new AppError('conversation_state');
    if (read.assignee !== staff.username) throw new AppError('not_your_conversation');
    const now = this.#now();
    const line = message(now, 'officer', staff.username, text);
    if (!read.messages.some((m) => m.from === 'officer')) {
      const seconds = (now.getTime() - Date.parse(read.createdAt)) / 1000;
      void this.#o.stats.recordStaffResponse({ commune: read.commune, seconds, at: now });
    }
    // Sent once; the transcript records it even if the conversation changed meanwhile (it reached the citizen).
    line.delivery = await this.#o.messenger.deliver(read, { id: line.id, text: this.#officerText(read, text) });
    const h = await this.#staffUpdate(staff, id, (h) => {
      h.messages.push(line);
      if (h.status === 'open') h.deadlineAt = null;
    });
    await this.#o.audit.record(staff.username, 'handoff.reply', h.id, { delivery: line.delivery });
    return h;
  }

  /** An internal note: staff only, never sent to the citizen. */
  async note(staff: StaffIdentity, id: string, text: string): Promise<HandoffRecord> {
    const h = await this.#staffUpdate(staff, id, (h) => {
      h.messages.push(message(this.#now(), 'note', staff.username, text));
    });
    await this.#o.audit.record(staff.username, 'handoff.note', h.id);
    return h;
  }

  /** Passes an open conversation to a colleague who acts for its commune. */
  async handOver(staff: StaffIdentity, id: string, to: string): Promise<HandoffRecord> {
    const read = await this.#visible(staff, id);
    const colleague = await this.#o.staffAccount(to);
    if (!colleague || colleague.disabled || !mayActOn({ role: colleague.role, communes: colleague.communes }, [read.commune])) {
      throw new AppError('unknown_colleague');
    }
    const now = this.#now();
    const h = await this.#staffUpdate(staff, id, (h) => {
      // A waiting conversation is claimed for the colleague; an open one changes hands.
      h.status = statusOf(this.#step(h, h.status === 'waiting' ? 'claim' : 'hand_over'));
      h.assignee = colleague.id;
      h.claimedAt ??= now.toISOString();
      h.deadlineAt = this.#deadline(now, this.#o.replyMinutes);
      h.messages.push(message(now, 'system', staff.username, `${staff.displayName} đã chuyển cho ${colleague.displayName}.`));
    });
    await this.#o.audit.record(staff.username, 'handoff.hand_over', h.id, { to: colleague.id });
    return h;
  }

  async close(staff: StaffIdentity, id: string, outcome: OfficerOutcome): Promise<HandoffRecord> {
    let notice = '';
    const h = await this.#staffUpdate(staff, id, (h) => {
      notice = `Cán bộ ${this.#o.communeName(h.commune)} đã kết thúc cuộc trò chuyện. Trợ lý tự động tiếp tục hỗ trợ bạn; nhắn "gặp cán bộ" nếu cần hỏi thêm.`;
      this.#end(h, 'close', outcome, staff.username, notice, 'waiting');
    });
    await this.#o.audit.record(staff.username, 'handoff.close', h.id, { outcome });
    return this.#sendNotice(h, notice);
  }

  /**
   * Hands back to the bot every conversation whose deadline passed (unclaimed, or left without a reply). Every
   * instance sweeps; the one whose write goes in first hands it back and tells the citizen, the others find it closed.
   */
  async sweep(): Promise<number> {
    const now = this.#now();
    const due = (h: HandoffRecord) => h.status !== 'closed' && h.deadlineAt !== null && Date.parse(h.deadlineAt) <= now.getTime();
    // Each independently: a notice that waits to hear whether a widget is open holds up no other.
    const swept = await Promise.all((await this.#o.repo.active()).filter(due).map((found) => this.#handBack(found, due)));
    return swept.filter(Boolean).length;
  }

  /** The sweeper's step for one handoff: false when it is no longer due (another instance's sweeper came first). */
  async #handBack(found: HandoffRecord, due: (h: HandoffRecord) => boolean): Promise<boolean> {
    let notice = '';
    const h = await this.#update(found, (h) => {
      if (!due(h)) return false;
      const unclaimed = h.status === 'waiting';
      const commune = this.#o.communeName(h.commune);
      notice = unclaimed
        ? `Xin lỗi, chưa có cán bộ nào nhận câu hỏi của bạn trong giờ làm việc. Trợ lý tự động tiếp tục trả lời bạn. Bạn có thể đến UBND ${commune} trong giờ hành chính, hoặc nhắn "gặp cán bộ" để gửi lại.`
        : `Xin lỗi, cán bộ ${commune} chưa trả lời được bạn. Trợ lý tự động tiếp tục trả lời bạn. Bạn có thể đến UBND ${commune} trong giờ hành chính, hoặc nhắn "gặp cán bộ" để gửi lại.`;
      this.#end(h, unclaimed ? 'unclaimed' : 'timed_out', unclaimed ? 'unclaimed' : 'timed_out', SYSTEM, notice, 'waiting');
      return true;
    });
    if (!h) return false;
    await this.#o.audit.record(SYSTEM, `handoff.${h.outcome}`, h.id, { commune: h.commune });
    await this.#sendNotice(h, notice);
    return true;
  }

  /** Personal-data deletion, before storage deletes the records: the inbox drops the citizen's open handoffs. */
  async forget(key: string): Promise<void> {
    this.#read.delete(key);
    for (const h of await this.#o.repo.pendingFor(key)) if (h.status !== 'closed') this.#announce({ ...h, status: 'closed' });
    await this.#o.marks?.forgetMark(key);
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

  /**
   * Back to the bot (cancel, timeouts) or closed by an officer; the notice is the transcript's last line, 'waiting'
   * until it is sent (a crash before that leaves it for the citizen's next message).
   */
  #end(
    h: HandoffRecord,
    event: OwnershipEvent,
    outcome: NonNullable<HandoffRecord['outcome']>,
    author: string,
    notice: string,
    delivery: 'delivered' | 'waiting',
  ): void {
    const now = this.#now();
    this.#step(h, event);
    h.status = 'closed';
    h.outcome = outcome;
    h.closedAt = now.toISOString();
    h.deadlineAt = null;
    h.messages.push({ ...message(now, 'bot', author === SYSTEM ? null : author, notice), delivery });
  }

  /** Sends the closing notice written by #end, after the write that closed the handoff went in (so once). */
  async #sendNotice(h: HandoffRecord, notice: string): Promise<HandoffRecord> {
    const lineId = h.messages.at(-1)!.id;
    if ((await this.#o.messenger.deliver(h, { id: lineId, text: notice })) === 'waiting') return h;
    const marked = await this.#update(h, (current) => {
      const line = current.messages.find((m) => m.id === lineId);
      if (line?.delivery !== 'waiting') return false;
      line.delivery = 'delivered';
      return true;
    });
    return marked ?? h;
  }

  async #visible(staff: StaffIdentity, id: string): Promise<HandoffRecord> {
    const h = (await this.#o.repo.get(id)) ?? null;
    if (!h) throw new AppError('unknown_conversation');
    if (!mayActOn(staff, [h.commune])) throw new AppError('forbidden_conversation');
    return h;
  }

  /** A staff action's change, on the handoff as stored (read again while another write comes first). */
  async #staffUpdate(staff: StaffIdentity, id: string, change: (h: HandoffRecord) => void): Promise<HandoffRecord> {
    const h = await this.#update(await this.#visible(staff, id), (h) => {
      change(h);
      return true;
    });
    if (!h) throw new AppError('unknown_conversation');
    return h;
  }

  /**
   * Applies `change` to a copy of `read` and writes it if the stored handoff is still at `read`'s revision; else reads
   * it again and redoes the change. `change` returns false to write nothing (no longer applies). Resolves with what
   * was written, or undefined when nothing was (or the handoff is gone: the citizen's data was deleted).
   */
  async #update(read: HandoffRecord, change: (h: HandoffRecord) => boolean): Promise<HandoffRecord | undefined> {
    let current: HandoffRecord | undefined = read;
    for (let conflicts = 0; current; conflicts++) {
      if (conflicts === MAX_CONFLICTS) throw new Error(`handoff ${read.id}: ${MAX_CONFLICTS} writes lost to other instances in a row`);
      const next = structuredClone(current);
      if (!change(next)) return undefined;
      const revision = current.revision ?? 0;
      next.revision = revision + 1;
      if (await this.#o.repo.saveIfUnchanged(next, revision)) {
        this.#announce(next);
        return next;
      }
      current = await this.#o.repo.get(read.id);
    }
    return undefined;
  }

  /** The citizen's handoffs as this turn's `ownerOf` read them (taken once: the next turn reads again), else read now. */
  async #turnRead(key: string): Promise<HandoffRecord[]> {
    const read = this.#read.get(key);
    this.#read.delete(key);
    return read ?? this.#o.repo.pendingFor(key);
  }

  #officerText(h: HandoffRecord, text: string): string {
    return `Cán bộ ${this.#o.communeName(h.commune)}: ${text}`;
  }

  /**
   * The messages waiting for the citizen's next message, as the citizen sees them, marked delivered. Each carries the
   * id it was pushed under: a widget that showed the push (confirmed too late to count) shows it once.
   */
  #takeHeld(h: HandoffRecord): Reply[] {
    const held = h.messages.filter((m) => m.delivery === 'waiting');
    for (const m of held) m.delivery = 'delivered';
    return held.map((m) => ({ text: m.from === 'officer' ? this.#officerText(h, m.text) : m.text, pushId: m.id }));
  }

  /** Tells every instance's inbox (through the relay when there is one), once the change is stored. */
  #announce(h: Pick<HandoffRecord, 'id' | 'commune' | 'status'>): void {
    const change: HandoffChange = { id: h.id, commune: h.commune, status: h.status };
    if (this.#o.relay) void this.#o.relay.publish(JSON.stringify(change));
    else this.#tell(change);
  }

  #tell(change: HandoffChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** Who answers, given the citizen's pending handoffs (at most one of them waiting or open). */
function ownerIn(pending: HandoffRecord[]): Owner {
  const active = pending.find((h) => h.status !== 'closed');
  return active ? OWNER_OF_STATUS[active.status] : 'bot';
}

function statusOf(owner: Owner): HandoffRecord['status'] {
  if (owner === 'waiting') return 'waiting';
  if (owner === 'officer') return 'open';
  return 'closed';
}

function message(at: Date, from: HandoffMessage['from'], author: string | null, text: string): HandoffMessage {
  return { id: randomUUID(), at: at.toISOString(), from, author, text };
}

