import { randomUUID } from 'node:crypto';
import type { CitizenRegistry } from '../citizens/registry.js';
import type { Reply } from '../engine/types.js';
import type { KeptAnswerRecord } from '../storage/records.js';
import type { KeptAnswerRepository, UnansweredRepository } from '../storage/repositories.js';

/** Payloads of the consent buttons; the privacy skill answers them. */
export const CONSENT_YES_PAYLOAD = 'privacy:consent-yes';
export const CONSENT_NO_PAYLOAD = 'privacy:consent-no';

export type KeptKind = KeptAnswerRecord['kind'];

interface Held {
  id: string;
  kind: KeptKind;
  data: Record<string, unknown>;
  /** The id was the caller's: answers may already be kept under it (those these correct), and are replaced. */
  replacing: boolean;
}

interface Pending {
  until: number;
  items: Held[];
}

/**
 * Consent to keep screening answers and free-text questions beyond the running conversation (Luật 91/2025/QH15).
 * Nothing is kept without an explicit "Đồng ý"; refusing only means nothing is kept. Skills never write kept answers
 * themselves: they call `offerToKeep`, which keeps at once with consent, holds the answers (in memory, for the
 * running conversation only) while the question is open, and drops them on refusal.
 */
export class ConsentService {
  readonly #registry: CitizenRegistry;
  readonly #kept: KeptAnswerRepository;
  readonly #unanswered: UnansweredRepository;
  readonly #holdMs: number;
  readonly #pending = new Map<string, Pending>();

  constructor(options: {
    registry: CitizenRegistry;
    keptAnswers: KeptAnswerRepository;
    unanswered: UnansweredRepository;
    /** How long answers wait for the citizen's decision: the conversation's idle period. */
    holdMinutes: number;
  }) {
    this.#registry = options.registry;
    this.#kept = options.keptAnswers;
    this.#unanswered = options.unanswered;
    this.#holdMs = options.holdMinutes * 60_000;
  }

  async hasConsent(citizenId: string): Promise<boolean> {
    return (await this.#registry.get(citizenId))?.consent?.status === 'granted';
  }

  /** The question, with "Đồng ý" / "Không đồng ý" buttons the privacy skill answers. */
  askConsentReply(): Reply {
    return {
      text:
        'Bạn có đồng ý để trợ lý lưu lại câu trả lời và câu hỏi của bạn sau khi cuộc trò chuyện kết thúc không? ' +
        'Cán bộ chỉ dùng để hỗ trợ bạn và cải thiện câu trả lời. Nếu không đồng ý, bạn vẫn dùng được mọi chức năng; ' +
        'bạn có thể đổi ý bất cứ lúc nào bằng cách nhắn "xem dữ liệu của tôi".',
      quickReplies: [
        { title: 'Đồng ý', payload: CONSENT_YES_PAYLOAD },
        { title: 'Không đồng ý', payload: CONSENT_NO_PAYLOAD },
      ],
      // "ko", "dạ được" typed instead of tapped are read as the answer, by the privacy skill (the payloads' owner).
      expects: { kind: 'consent', owner: 'privacy' },
    };
  }

  /**
   * Keeps the answers if the citizen consented; asks (returning the question to append to the turn's replies) when
   * they have not decided yet; does nothing after a refusal, so the citizen is not asked again and again.
   * `id`: the id the answers are kept (or held) under, a new one by default. Answers already kept or held under it —
   * the earlier result of a self-assessment these correct — are replaced by these, in one write (a corrected
   * self-assessment is one assessment, not two; should the write fail, the earlier answers stay kept).
   */
  async offerToKeep(
    citizenId: string,
    kind: KeptKind,
    data: Record<string, unknown>,
    now: Date,
    { id }: { id?: string } = {},
  ): Promise<Reply[]> {
    const consent = (await this.#registry.get(citizenId))?.consent?.status;
    const item: Held = { id: id ?? randomUUID(), kind, data, replacing: id !== undefined };
    if (consent === 'granted') {
      await this.#keep(citizenId, item, now);
      return [];
    }
    if (consent === 'refused') return [];
    this.#prune(now);
    const pending = this.#pending.get(citizenId) ?? { until: 0, items: [] };
    const replaced = pending.items.findIndex((held) => held.id === item.id);
    if (replaced >= 0) pending.items.splice(replaced, 1);
    pending.items.push(item);
    pending.until = now.getTime() + this.#holdMs;
    // Re-inserting keeps the map ordered by deadline, so pruning stops at the first live entry.
    this.#pending.delete(citizenId);
    this.#pending.set(citizenId, pending);
    return [this.askConsentReply()];
  }

  /** The citizen's decision: recorded on their record; held answers are kept on "Đồng ý", dropped otherwise. */
  async decide(citizenId: string, granted: boolean, now: Date): Promise<{ kept: number }> {
    const held = this.#pending.get(citizenId);
    this.#pending.delete(citizenId);
    await this.#registry.update(citizenId, { consent: { status: granted ? 'granted' : 'refused', at: now.toISOString() } });
    if (!granted || !held || held.until < now.getTime()) return { kept: 0 };
    for (const item of held.items) await this.#keep(citizenId, item, now);
    return { kept: held.items.length };
  }

  /**
   * Withdrawing consent: what was kept because of it is deleted (kept answers, texts of unanswered questions) and
   * nothing more is kept.
   */
  async withdraw(citizenId: string, now: Date): Promise<{ deleted: number }> {
    this.#pending.delete(citizenId);
    await this.#registry.update(citizenId, { consent: { status: 'refused', at: now.toISOString() } });
    const [kept, unanswered] = await Promise.all([
      this.#kept.deleteForCitizen(citizenId),
      this.#unanswered.deleteForCitizen(citizenId),
    ]);
    return { deleted: kept + unanswered };
  }

  /** A question the bot could not answer: always counted, its words kept only with consent. */
  async recordUnanswered(citizenId: string, text: string, now: Date): Promise<void> {
    const keepText = await this.hasConsent(citizenId);
    await this.#unanswered.add({ id: randomUUID(), citizenId, text: keepText ? text : null, at: now.toISOString() });
  }

  /** Answers held for a decision (personal-data view). */
  heldCount(citizenId: string): number {
    return this.#pending.get(citizenId)?.items.length ?? 0;
  }

  /** Forgets held answers (personal-data deletion). */
  forget(citizenId: string): void {
    this.#pending.delete(citizenId);
  }

  async #keep(citizenId: string, { id, kind, data, replacing }: Held, now: Date): Promise<void> {
    const record = { id, citizenId, kind, data, createdAt: now.toISOString() };
    if (replacing) await this.#kept.replace(record);
    else await this.#kept.add(record);
  }

  #prune(now: Date): void {
    for (const [citizenId, pending] of this.#pending) {
      if (pending.until >= now.getTime()) break;
      this.#pending.delete(citizenId);
    }
  }
}
