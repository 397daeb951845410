import type { Reply } from '../../engine/types.js';

/**
 * "Sent once": the widget resends a message until it sees the reply (a socket may drop between the two), so the
 * server remembers the last few message ids of each session with their replies. A repeated id gets the same
 * replies again — even while the first turn is still running — and the engine sees the message once.
 * Bounded: a few ids per session, least recently active sessions forgotten first.
 */
export class ReplyCache {
  readonly #sessions = new Map<string, Map<string, Promise<Reply[]>>>();

  constructor(
    private readonly maxSessions = 5000,
    private readonly idsPerSession = 10,
  ) {}

  /** Runs `turn` for a new message id; for a known one returns the replies of its first run. */
  run(sessionId: string, messageId: string, turn: () => Promise<Reply[]>): Promise<Reply[]> {
    const recent = this.#sessions.get(sessionId) ?? new Map<string, Promise<Reply[]>>();
    // Re-inserting keeps the Map in least-recently-active order.
    this.#sessions.delete(sessionId);
    this.#sessions.set(sessionId, recent);
    if (this.#sessions.size > this.maxSessions) this.#sessions.delete(this.#sessions.keys().next().value!);

    const known = recent.get(messageId);
    if (known) return known;
    const replies = turn();
    recent.set(messageId, replies);
    if (recent.size > this.idsPerSession) recent.delete(recent.keys().next().value!);
    // A failed turn is not remembered, so the widget's retry runs it again.
    replies.catch(() => {
      if (recent.get(messageId) === replies) recent.delete(messageId);
    });
    return replies;
  }

  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }
}
