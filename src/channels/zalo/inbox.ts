import type { FastifyBaseLogger } from 'fastify';
import { citizenKey } from '../../citizens/identity.js';
import type { CitizenRegistry } from '../../citizens/registry.js';
import type { Clock } from '../../clock.js';
import type { ConversationEngine } from '../../engine/engine.js';
import type { Reply } from '../../engine/types.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { intentPayload } from '../../payloads.js';
import type { CitizenRecord, JournalRecord } from '../../storage/records.js';
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
  /** Where a citizen's events become work: in this process on lowdb, any instance's with PostgreSQL. */
  jobs: JobQueue;
  clock: Clock;
  log: FastifyBaseLogger;
  resolveCommune?: CommuneResolver;
  /**
   * How long an instance may hold a citizen's job before it counts as dead and another takes the job over (seconds).
   * Only how soon a crashed instance's citizens are answered depends on it: a slower live one keeps its citizen's lock.
   */
  leaseSeconds?: number;
}

/** The job queue's name for "handle a citizen's journalled events". */
export const ZALO_INBOX_QUEUE = 'zalo-inbox';

/** The longest text handed to the engine (what the widget accepts too). */
const MAX_TEXT_LENGTH = 2000;
/**
 * Citizens handled at the same time on one instance. A burst is acknowledged at once but answered a few at a time,
 * so answering never crowds out the acknowledgements (Zalo gives up after ~2 s); sends are paced by Zalo's rate limit
 * (the OA's, shared by the instances) anyway. With PostgreSQL each holds a connection for its lock.
 */
const MAX_CITIZENS_IN_PROGRESS = 8;
/** Events of one citizen handled by one job; more are left to the next job, so a job's length stays bounded. */
const EVENTS_PER_JOB = 10;
/**
 * Handling waits while webhook requests are being acknowledged (a burst is journalled and answered first), but never
 * longer than this, so a steady stream of events is still answered.
 */
const MAX_WAIT_FOR_ACKS_MS = 200;
const DEFAULT_LEASE_SECONDS = 120;

/** A job stopped before the citizen's events were all handled: it fails, so the queue gives it to an instance again. */
class InboxStopped extends Error {
  override readonly name = 'InboxStopped';
}

/**
 * Handles journalled events after the webhook has answered: one event of a citizen at a time, in arrival order, on
 * whichever instance takes the citizen's job. Each event moves through the journal: `received` → `replying` (with
 * its replies, just before the first send) → `done`.
 *
 * A journalled event adds the job "handle citizen U's events" (keyed by U, so one waits at a time). The job holds
 * U's exclusive lock (`JobQueue.tryExclusive`: an advisory lock with PostgreSQL) and handles U's unfinished events
 * in order; a job that finds the lock taken leaves them to its holder, which looks again once it has let go and adds
 * a job for what it finds. A `replying` event met by a job was cut off by a crash (no one else holds the lock): Zalo's
 * conversation history says whether the OA wrote to the citizen since the event: if not, the kept replies are sent;
 * if it did, or Zalo cannot say, the event is closed without sending — a citizen never gets the same answer twice.
 * A job whose instance died is taken by another once its lease runs out; at start-up every citizen with unfinished
 * events gets a job, so nothing acknowledged is lost.
 */
export class ZaloInbox {
  readonly #options: ZaloInboxOptions;
  /** This instance's jobs being handled (a stop waits for them). */
  readonly #running = new Set<Promise<void>>();
  #stopping = false;
  #acknowledging = 0;
  /** Resolved when the last running acknowledgement finishes. */
  #acksDone: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(options: ZaloInboxOptions) {
    this.#options = options;
  }

  /** Starts taking the inbox's jobs (before any event is accepted). */
  async start(): Promise<void> {
    await this.#options.jobs.work<{ userId: string }>(ZALO_INBOX_QUEUE, ({ userId }) => this.#track(this.#handleCitizen(userId)), {
      concurrency: MAX_CITIZENS_IN_PROGRESS,
      leaseSeconds: this.#options.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      retries: 5,
    });
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

  /** A citizen has a journalled event to handle: adds the citizen's job (unless one is already waiting). */
  async accept(userId: string): Promise<void> {
    await this.#options.jobs.send(ZALO_INBOX_QUEUE, { userId }, { key: userId });
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

  /** Start-up: every citizen with events a previous run acknowledged but did not finish gets a job. */
  async recover(): Promise<{ citizens: number; events: number }> {
    const unfinished = await this.#options.journal.unfinished();
    const users = new Set<string>();
    for (const entry of unfinished) {
      const event = zaloEvent.safeParse(entry.event);
      if (event.success) users.add(event.data.userId);
      else await this.#options.journal.advance(entry.id, 'done', 'unreadable');
    }
    for (const userId of users) await this.accept(userId);
    if (users.size) this.#options.log.info({ citizens: users.size, events: unfinished.length }, 'Zalo events left unfinished');
    return { citizens: users.size, events: unfinished.length };
  }

  /**
   * One job: handles up to EVENTS_PER_JOB of the citizen's unfinished events in order, under the citizen's lock;
   * then, the lock released, adds a job for any event still unfinished (one journalled while the lock was held
   * had its job find the lock taken).
   */
  async #handleCitizen(userId: string): Promise<void> {
    await this.#whenAcknowledged();
    if (this.#stopping) throw new InboxStopped();
    const { journal, jobs } = this.#options;
    const citizenId = citizenKey('zalo', userId);
    const ran = await jobs.tryExclusive(`${ZALO_INBOX_QUEUE}:${userId}`, async (held) => {
      for (const entry of await journal.unfinishedOf(citizenId, EVENTS_PER_JOB)) {
        if (this.#stopping || !held()) throw new InboxStopped();
        await this.#handleEntry(entry).catch((error: Error) => {
          this.#options.log.error({ err: { name: error.name, message: error.message }, journalId: entry.id }, 'Zalo event handling failed; tried again later');
          throw error;
        });
      }
    });
    if (ran && (await journal.unfinishedOf(citizenId, 1)).length) await this.accept(userId);
  }

  async #handleEntry(entry: JournalRecord): Promise<void> {
    const event = zaloEvent.safeParse(entry.event);
    if (!event.success) await this.#options.journal.advance(entry.id, 'done', 'unreadable');
    else if (entry.state === 'replying') await this.#finishReplying(entry.id, event.data, entry.pendingReplies ?? []);
    else await this.#handle(entry.id, event.data);
  }

  /**
   * Sends what Zalo's history shows did not go out of an event's replies cut off mid-send. Replies go out in order,
   * so the ones whose opening is in the history since the event are skipped and the rest sent. When the history
   * cannot be read, or shows messages without their texts, nothing is sent: a missing answer is better than a double.
   */
  async #finishReplying(journalId: string, event: ZaloEvent, replies: Reply[]): Promise<void> {
    const { journal, history, log } = this.#options;
    const written = replies.length ? await history.oaMessagesSince(event.userId, Number(event.timestamp)) : null;
    const texts = written?.map((m) => m.text);
    let outcome: string;
    if (!texts || texts.includes(null)) {
      outcome = texts ? 'sent_before_restart' : 'uncertain';
    } else {
      let sent = 0;
      while (sent < replies.length && showsOpeningOf(texts, replies[sent]!.text)) sent++;
      outcome = sent === replies.length ? 'sent_before_restart' : await this.#send(event.userId, replies.slice(sent));
    }
    log.info({ journalId, outcome }, 'Zalo event cut off by a crash finished');
    await journal.advance(journalId, 'done', outcome);
  }

  #track(job: Promise<void>): Promise<void> {
    this.#running.add(job);
    void job.catch(() => undefined).finally(() => this.#running.delete(job));
    return job;
  }

  /** Resolves when every journalled event has been handled, here or (PostgreSQL) on any instance (tests). */
  async idle(): Promise<void> {
    await this.#options.jobs.idle();
    while ((await this.#options.journal.unfinished()).length) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * Shutdown: finishes the event being handled of each citizen and starts no other. Those left stay unfinished in the
   * journal; their jobs fail, so another instance (PostgreSQL) or the next start answers them.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  /**
   * Handles a `received` event. What throws here (the storage failing) fails the job, which is tried again later:
   * before the replies are journalled the event is still `received`, after it the retry finds it `replying`. A
   * `received` event handled again gets from the engine what its first turn answered, if that turn saved the
   * conversation (the journal id is the turn's key): the crash may come between the two.
   */
  async #handle(journalId: string, event: ZaloEvent): Promise<void> {
    const { journal } = this.#options;
    const commune = event.kind === 'submit_info' ? this.#communeOf(event.places) : null;
    const citizen = await this.#recordCitizen(event, commune);
    // Packed before they are journaled, so a resumed send after a crash sends the same messages.
    const replies = packReplies(await this.#repliesTo(event, citizen, commune, journalId));
    let outcome = 'no_reply';
    if (replies.length) {
      await journal.advance(journalId, 'replying', undefined, replies);
      outcome = await this.#send(event.userId, replies);
    }
    await journal.advance(journalId, 'done', outcome);
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

  /**
   * `journalId` names the message to the engine: handled again after a crash, it gets the replies of its turn, or
   * (that turn's session lost) what it was owed (the notice).
   */
  async #repliesTo(event: ZaloEvent, citizen: CitizenRecord, commune: { name: string } | null, journalId: string): Promise<Reply[]> {
    switch (event.kind) {
      case 'text':
        return this.#ask({ text: event.text.slice(0, MAX_TEXT_LENGTH), id: journalId }, event.userId);
      case 'follow':
        // The engine's privacy-notice hook puts the notice before the menu on a first contact.
        return this.#ask({ payload: intentPayload('help'), id: journalId }, event.userId);
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

  async #ask(message: { text?: string; payload?: string; id: string }, userId: string): Promise<Reply[]> {
    try {
      return await this.#options.engine.handle({ channel: 'zalo', userId, ...message });
    } catch (error) {
      this.#options.log.error({ err: { name: (error as Error).name }, userId }, 'conversation engine failed on a Zalo message');
      return [{ text: TEMPORARY_TROUBLE }];
    }
  }
}
