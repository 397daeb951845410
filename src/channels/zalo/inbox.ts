import type { FastifyBaseLogger } from 'fastify';
import type { CitizenRegistry } from '../../citizens/registry.js';
import type { Clock } from '../../clock.js';
import type { ConversationEngine } from '../../engine/engine.js';
import { KeyedQueue } from '../../engine/keyed-queue.js';
import type { Reply } from '../../engine/types.js';
import { intentPayload } from '../../payloads.js';
import type { CitizenRecord } from '../../storage/records.js';
import type { JournalRepository } from '../../storage/repositories.js';
import type { ZaloHistory, ZaloSender } from './client.js';
import { type ZaloEvent, zaloEvent } from './events.js';
import { packReplies } from './message-format.js';
import { communeNoticed, ONLY_TEXT_UNDERSTOOD, TEMPORARY_TROUBLE } from './notices.js';
import { showsOpeningOf } from './sent-check.js';

/** Looks a place name up in the commune directory: the commune's id and display name ("xã …"), or null. */
export type CommuneResolver = (place: string) => { id: string; name: string } | null;

export interface ZaloInboxOptions {
  engine: ConversationEngine;
  sender: ZaloSender;
  /** Asked after a crash whether replies being sent went out. */
  history: ZaloHistory;
  citizens: CitizenRegistry;
  journal: JournalRepository;
  clock: Clock;
  log: FastifyBaseLogger;
  resolveCommune?: CommuneResolver;
}

/** The longest text handed to the engine (what the widget accepts too). */
const MAX_TEXT_LENGTH = 2000;
/**
 * Events handled at the same time. A burst is acknowledged at once but answered a few at a time, so answering never
 * crowds out the acknowledgements (Zalo gives up after ~2 s); sends are paced by Zalo's rate limit anyway.
 */
const MAX_EVENTS_IN_PROGRESS = 16;
/**
 * Handling waits while webhook requests are being acknowledged (a burst is journalled and answered first), but never
 * longer than this, so a steady stream of events is still answered.
 */
const MAX_WAIT_FOR_ACKS_MS = 200;

/**
 * Handles journalled events after the webhook has answered: one event of a citizen at a time, in arrival order.
 * Each event moves through the journal: `received` → `replying` (with its replies, just before the first send) →
 * `done`. After a crash, `received` events are handled again. For `replying` ones Zalo's conversation history says
 * whether the OA wrote to the citizen since the event: if not, the kept replies are sent; if it did, or Zalo cannot
 * say, the event is closed without sending — a citizen never gets the same answer twice.
 */
export class ZaloInbox {
  readonly #options: ZaloInboxOptions;
  readonly #queue = new KeyedQueue();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #slots = new Slots(MAX_EVENTS_IN_PROGRESS);
  #stopping = false;
  #acknowledging = 0;
  /** Resolved when the last running acknowledgement finishes. */
  #acksDone: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(options: ZaloInboxOptions) {
    this.#options = options;
  }

  /** Runs an acknowledgement (the webhook's work before its 200); events wait for those running, see whenAcknowledged. */
  async acknowledge<T>(work: () => Promise<T>): Promise<T> {
    this.#acknowledging++;
    try {
      return await work();
    } finally {
      if (--this.#acknowledging === 0) {
        this.#acksDone?.resolve();
        this.#acksDone = null;
      }
    }
  }

  /** Schedules a journalled event; it starts once the acknowledgements running have been answered. */
  accept(journalId: string, event: ZaloEvent): void {
    const task = this.#whenAcknowledged().then(() =>
      this.#queue.run(event.userId, () => this.#slots.use(() => this.#handle(journalId, event))),
    );
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  #whenAcknowledged(): Promise<void> {
    const nextTurn = new Promise<void>((resolve) => setImmediate(resolve));
    if (this.#acknowledging === 0) return nextTurn;
    if (!this.#acksDone) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.#acksDone = { promise, resolve };
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, MAX_WAIT_FOR_ACKS_MS).unref());
    return Promise.race([this.#acksDone.promise, timeout]).then(() => nextTurn);
  }

  /** Start-up: finishes what the previous process acknowledged but did not complete. */
  async recover(): Promise<{ resumed: number; uncertain: number }> {
    const { journal, log } = this.#options;
    let resumed = 0;
    let uncertain = 0;
    for (const entry of await journal.unfinished()) {
      const event = zaloEvent.safeParse(entry.event);
      if (entry.state === 'replying') {
        if (event.success && (await this.#finishReplying(entry.id, event.data, entry.pendingReplies ?? []))) resumed++;
        else uncertain++;
      } else if (!event.success) {
        await journal.advance(entry.id, 'done', 'unreadable');
      } else {
        this.accept(entry.id, event.data);
        resumed++;
      }
    }
    if (resumed || uncertain) log.info({ resumed, uncertain }, 'Zalo events left unfinished by the previous run');
    return { resumed, uncertain };
  }

  /**
   * Sends what Zalo's history shows did not go out of an event's replies cut off mid-send. Replies go out in order,
   * so the ones whose opening is in the history since the event are skipped and the rest sent. When the history
   * cannot be read, or shows messages without their texts, nothing is sent: a missing answer is better than a double.
   */
  async #finishReplying(journalId: string, event: ZaloEvent, replies: Reply[]): Promise<boolean> {
    const { journal, history } = this.#options;
    const written = replies.length ? await history.oaMessagesSince(event.userId, Number(event.timestamp)) : null;
    const texts = written?.map((m) => m.text);
    if (!texts || texts.includes(null)) {
      await journal.advance(journalId, 'done', texts ? 'sent_before_restart' : 'uncertain');
      return false;
    }
    let sent = 0;
    while (sent < replies.length && showsOpeningOf(texts, replies[sent]!.text)) sent++;
    if (sent === replies.length) {
      await journal.advance(journalId, 'done', 'sent_before_restart');
      return false;
    }
    const task = this.#queue.run(event.userId, async () => {
      await journal.advance(journalId, 'done', await this.#send(event.userId, replies.slice(sent)));
    });
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
    return true;
  }

  /** Resolves when every accepted event has been handled (tests). */
  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Shutdown: finishes the events being handled and starts no other. Those still waiting stay `received` in the
   * journal, so the next start answers them; a backlog paced by Zalo's rate limit does not hold the stop for minutes.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.idle();
  }

  async #handle(journalId: string, event: ZaloEvent): Promise<void> {
    const { journal, log } = this.#options;
    if (this.#stopping) return;
    try {
      const commune = event.kind === 'submit_info' ? this.#communeOf(event.places) : null;
      const citizen = await this.#recordCitizen(event, commune);
      // Packed before they are journaled, so a resumed send after a crash sends the same messages.
      const replies = packReplies(await this.#repliesTo(event, citizen, commune));
      let outcome = 'no_reply';
      if (replies.length) {
        await journal.advance(journalId, 'replying', undefined, replies);
        outcome = await this.#send(event.userId, replies);
      }
      await journal.advance(journalId, 'done', outcome);
    } catch (error) {
      log.error({ err: { name: (error as Error).name }, journalId, kind: event.kind }, 'Zalo event handling failed');
      await journal.advance(journalId, 'done', 'error').catch(() => undefined);
    }
  }

  async #send(userId: string, replies: Reply[]): Promise<string> {
    for (const reply of replies) {
      const result = await this.#options.sender.sendText(userId, reply);
      if (!result.ok) return `failed:${result.code ?? result.kind}`;
    }
    return 'sent';
  }

  /** First contact creates the citizen; every event from the citizen counts as an interaction, except unfollowing. */
  async #recordCitizen(event: ZaloEvent, commune: { id: string } | null): Promise<CitizenRecord> {
    const { citizens, clock } = this.#options;
    const now = clock.now().getTime();
    const at = new Date(Math.min(Number(event.timestamp), now));
    if (event.kind === 'follow' || event.kind === 'unfollow') {
      return citizens.recordFollowing('zalo', event.userId, event.kind === 'follow', at);
    }
    const citizen = await citizens.recordInteraction('zalo', event.userId, at);
    if (!commune) return citizen;
    return (await citizens.update(citizen.id, { commune: commune.id })) ?? citizen;
  }

  /** The first place that names a commune; an address is tried whole, then part by part ("thôn 3, xã …"). */
  #communeOf(places: string[]): { id: string; name: string } | null {
    const resolve = this.#options.resolveCommune;
    if (!resolve) return null;
    for (const place of places) {
      for (const candidate of [place, ...place.split(',')]) {
        const commune = candidate.trim() ? resolve(candidate.trim()) : null;
        if (commune) return commune;
      }
    }
    return null;
  }

  async #repliesTo(event: ZaloEvent, citizen: CitizenRecord, commune: { name: string } | null): Promise<Reply[]> {
    switch (event.kind) {
      case 'text':
        return this.#ask({ text: event.text.slice(0, MAX_TEXT_LENGTH) }, event.userId);
      case 'follow':
        // The engine's privacy-notice hook puts the notice before the menu on a first contact.
        return this.#ask({ payload: intentPayload('help') }, event.userId);
      case 'media':
        return [{ text: ONLY_TEXT_UNDERSTOOD }];
      case 'submit_info':
        // The form shares an address; it is not a request for announcements, so subscription is left as it was.
        return [{ text: communeNoticed(commune, citizen.subscribed) }];
      case 'unfollow':
      case 'chat_now':
        return [];
    }
  }

  async #ask(message: { text?: string; payload?: string }, userId: string): Promise<Reply[]> {
    try {
      return await this.#options.engine.handle({ channel: 'zalo', userId, ...message });
    } catch (error) {
      this.#options.log.error({ err: { name: (error as Error).name }, userId }, 'conversation engine failed on a Zalo message');
      return [{ text: TEMPORARY_TROUBLE }];
    }
  }
}

/** At most `size` tasks at a time; the others wait in arrival order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
