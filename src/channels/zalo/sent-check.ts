import type { ZaloHistory } from './client.js';

/**
 * The start of the first Zalo message a text becomes (see renderReply): a split text's first part is at least 1,000
 * characters, so its first 100 are the text's own.
 */
export const openingOf = (text: string) => text.normalize('NFC').trim().slice(0, 100);

/** Whether one of the messages Zalo shows begins as `text` does. */
export const showsOpeningOf = (messages: readonly (string | null)[], text: string) => {
  const opening = openingOf(text);
  return messages.some((message) => message?.startsWith(opening) ?? false);
};

/**
 * Decides after a crash whether a text marked "being sent" reached the citizen, from Zalo's conversation history:
 * true when a message the OA wrote since `sinceMs` begins as the text does, false when the history shows every OA
 * message since then with its text and none does, null when the history cannot say (unreadable, texts withheld, or
 * more messages since then than one page holds).
 */
export class ZaloSentCheck {
  readonly #history: ZaloHistory;

  constructor(history: ZaloHistory) {
    this.#history = history;
  }

  async wasSent(userId: string, text: string, sinceMs: number): Promise<boolean | null> {
    const written = await this.#history.oaMessagesSince(userId, sinceMs);
    if (!written) return null;
    const texts = written.map((m) => m.text);
    if (showsOpeningOf(texts, text)) return true;
    return texts.includes(null) ? null : false;
  }
}
