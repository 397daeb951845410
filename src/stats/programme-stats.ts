import type { StatIncrement, StatsRepository } from '../storage/repositories.js';
import { provinceWeek } from './weeks.js';

/** How a question turn ended: answered by the bot, or the fallback (nothing found). */
export type QuestionOutcome = 'bot' | 'unanswered';

/** Upper bounds (seconds) of the staff response-time bands; the last band is everything longer. */
export const RESPONSE_BANDS = [
  { key: 'le_15m', upTo: 15 * 60, label: 'Trong 15 phút' },
  { key: 'le_1h', upTo: 3600, label: '15 phút – 1 giờ' },
  { key: 'le_4h', upTo: 4 * 3600, label: '1 – 4 giờ' },
  { key: 'le_1d', upTo: 24 * 3600, label: '4 – 24 giờ' },
  { key: 'gt_1d', upTo: Number.POSITIVE_INFINITY, label: 'Hơn 1 ngày' },
] as const;
export type ResponseBand = (typeof RESPONSE_BANDS)[number]['key'];

export const responseBandOf = (seconds: number): ResponseBand => RESPONSE_BANDS.find((b) => seconds <= b.upTo)!.key;

/**
 * The port through which the conversation engine, the skills and the officer handoff report what happened, for the
 * programme dashboard. Each call adds one to a counter of the event's ISO week (Asia/Ho_Chi_Minh) and commune
 * (null: not known); no citizen id, text or exact time is kept. Each call resolves once the counter is on disk, and
 * never rejects: a caller on a citizen's path need not wait for it (the lowdb adapter counts in memory at once).
 */
export interface ProgrammeStats {
  /** A citizen's question: its topic (the intent it was answered as; "fallback" when unanswered) and outcome. */
  recordQuestion(event: { commune: string | null; topic: string; outcome: QuestionOutcome; at: Date }): Promise<void>;
  /** A conversation passed to staff (the citizen consented to the handoff); topic: what it was about, if known. */
  recordHandoff(event: { commune: string | null; topic: string | null; at: Date }): Promise<void>;
  /** An officer's first reply to a handed-over conversation, `seconds` after the handoff. */
  recordStaffResponse(event: { commune: string | null; seconds: number; at: Date }): Promise<void>;
  /** A finished self-assessment and the household category it gave. */
  recordScreening(event: { commune: string | null; category: string; at: Date }): Promise<void>;
  /**
   * Resolves once every count recorded so far is written (or its failure logged): turns do not wait for their count,
   * so shutdown and a reader that must see its own counts wait here.
   */
  settled(): Promise<void>;
}

/** The topic of a handoff whose question is not known. */
export const UNKNOWN_TOPIC = 'unknown';

/**
 * ProgrammeStats over a StatsRepository. Counting is never worth failing a citizen's turn for: a write that fails is
 * reported to `onError` (the log) and the promise still resolves.
 */
export class StatsRecorder implements ProgrammeStats {
  readonly #repo: StatsRepository;
  readonly #onError: (error: unknown) => void;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(repo: StatsRepository, onError: (error: unknown) => void) {
    this.#repo = repo;
    this.#onError = onError;
  }

  recordQuestion({ commune, topic, outcome, at }: Parameters<ProgrammeStats['recordQuestion']>[0]): Promise<void> {
    return this.#add(at, commune, 'question', `${topic}|${outcome}`);
  }

  recordHandoff({ commune, topic, at }: Parameters<ProgrammeStats['recordHandoff']>[0]): Promise<void> {
    return this.#add(at, commune, 'handoff', topic ?? UNKNOWN_TOPIC);
  }

  recordStaffResponse({ commune, seconds, at }: Parameters<ProgrammeStats['recordStaffResponse']>[0]): Promise<void> {
    const whole = Math.max(0, Math.round(seconds));
    return this.#add(at, commune, 'staff_response', responseBandOf(whole), whole);
  }

  recordScreening({ commune, category, at }: Parameters<ProgrammeStats['recordScreening']>[0]): Promise<void> {
    return this.#add(at, commune, 'screening', category);
  }

  #add(at: Date, commune: string | null, measure: StatIncrement['measure'], key: string, seconds?: number): Promise<void> {
    const increment: StatIncrement = { week: provinceWeek(at), commune: commune ?? '', measure, key, count: 1 };
    if (seconds !== undefined) increment.seconds = seconds;
    const written = this.#repo.add([increment]).catch(this.#onError);
    this.#inFlight.add(written);
    void written.finally(() => this.#inFlight.delete(written));
    return written;
  }

  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
