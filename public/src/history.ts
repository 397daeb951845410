/**
 * The conversation as this browser keeps it (localStorage, per portal origin and per service), so it survives a
 * reload and page changes. Storage can be missing or full (private mode): the widget then works from memory.
 */
import { SESSION_ID_PATTERN, type WireLink, type WireQuickReply } from '../../src/channels/web/wire.js';
import { parseReplies } from './frames.js';

export interface StoredMessage {
  id: string;
  from: 'user' | 'bot';
  text: string;
  /** User: the quick reply tapped (sent instead of the text). */
  payload?: string;
  quickReplies?: WireQuickReply[];
  links?: WireLink[];
  /** User messages not answered yet: pending (will be sent / resent), failed (refused; `error` says why). */
  state?: 'pending' | 'failed';
  error?: string;
}

export interface Conversation {
  /** The id the server issued (none until its first welcome or reply; it refuses ids it did not issue). */
  sessionId?: string;
  messages: StoredMessage[];
  /** The commune whose announcements the citizen chose (else the page's data-commune). */
  commune?: string;
}

/** Older messages are dropped beyond this; the newest are what a returning citizen needs. */
const MAX_MESSAGES = 150;

/** 128 random bits, URL-safe. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class History {
  readonly #key: string;
  readonly conversation: Conversation;

  constructor(serviceOrigin: string) {
    this.#key = `tro-ly-giam-ngheo:${serviceOrigin}`;
    this.conversation = this.#load() ?? { messages: [] };
  }

  #load(): Conversation | null {
    try {
      const stored = JSON.parse(localStorage.getItem(this.#key) ?? 'null') as Conversation | null;
      if (stored && Array.isArray(stored.messages)) {
        if (typeof stored.sessionId !== 'string' || !SESSION_ID_PATTERN.test(stored.sessionId)) delete stored.sessionId;
        // Only well-formed messages are read back: storage is as untrusted as the network.
        stored.messages = stored.messages.filter(
          (m) => m && typeof m.id === 'string' && (m.from === 'user' || m.from === 'bot') && parseReplies([m]) !== null,
        );
        return stored;
      }
    } catch {
      // unreadable or unavailable storage: start fresh
    }
    return null;
  }

  save(): void {
    const c = this.conversation;
    if (c.messages.length > MAX_MESSAGES) c.messages.splice(0, c.messages.length - MAX_MESSAGES);
    try {
      localStorage.setItem(this.#key, JSON.stringify(c));
    } catch {
      // storage full or disabled: the conversation lives on in memory
    }
  }

  /** Forgets the conversation; the server issues a new session (after "Xóa cuộc trò chuyện"). */
  reset(): void {
    delete this.conversation.sessionId;
    this.conversation.messages = [];
    this.save();
  }

  /** Keeps the session id the server issued, so the conversation continues after a reload. */
  adoptSession(sessionId: string): void {
    if (this.conversation.sessionId === sessionId) return;
    this.conversation.sessionId = sessionId;
    this.save();
  }

  pending(): StoredMessage[] {
    return this.conversation.messages.filter((m) => m.state === 'pending');
  }

  find(id: string): StoredMessage | undefined {
    return this.conversation.messages.find((m) => m.id === id);
  }
}
