/**
 * Getting messages to the bot and back over bad networks: a WebSocket that reconnects with back-off, POST /api/chat
 * when sockets are blocked (two attempts that never opened), and an outbox — every user message stays pending until
 * its reply arrives and is resent after a reconnect with the same id (the server answers a repeated id without
 * running it twice).
 */
import {
  type ClientFrame,
  PROTOCOL_VERSION,
  type WireAnnouncement,
  type WireReply,
} from '../../src/channels/web/wire.js';
import { parseReplies, parseServerFrame } from './frames.js';
import type { StoredMessage } from './history.js';
import { t } from './strings.js';

export type Status = 'connecting' | 'online' | 'offline';

export interface TransportSource {
  /** The session id the server issued; undefined before it has issued one. */
  sessionId(): string | undefined;
  commune(): string | undefined;
  /** User messages still waiting for their reply, oldest first. */
  pending(): StoredMessage[];
}

export interface TransportEvents {
  reply(id: string, replies: WireReply[]): void;
  /** Messages the service sent unasked (an officer's reply to a question handed to staff). */
  push(id: string, replies: WireReply[]): void;
  /** The server refused message `id` (too long, too fast…); `message` is for the citizen. */
  refused(id: string, message: string): void;
  notice(message: string): void;
  /** The server named the session (its welcome or a reply): the widget keeps it for the next hello or post. */
  session(sessionId: string): void;
  announcement(announcement: WireAnnouncement): void;
  status(status: Status): void;
}

const MAX_BACKOFF_MS = 30_000;
/** Attempts that never opened before the HTTP fallback is used (a proxy or firewall blocking WebSockets). */
const FAILURES_BEFORE_FALLBACK = 2;
/** Close code of a server that does not speak our protocol version: reconnecting would not help. */
const CLOSE_UNSUPPORTED_VERSION = 4001;

export class Transport {
  #ws: WebSocket | null = null;
  #welcomed = false;
  #started = false;
  #stopped = false;
  #useHttp = typeof WebSocket === 'undefined';
  #failures = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Message ids written to the current socket (cleared when it closes, so they are resent). */
  readonly #sentOnSocket = new Set<string>();
  /** Message ids being posted over HTTP (never also sent on a socket). */
  readonly #posting = new Set<string>();
  #httpBusy = false;
  #clearing: ((done: boolean) => void) | null = null;

  constructor(
    private readonly service: URL,
    private readonly source: TransportSource,
    private readonly on: TransportEvents,
  ) {}

  start(): void {
    if (this.#started) return;
    this.#started = true;
    addEventListener('online', () => this.#retryNow());
    this.#connect();
  }

  /** Sends what is pending, on whichever way is up. */
  flush(): void {
    const ws = this.#ws;
    if (ws && this.#welcomed) {
      for (const m of this.source.pending()) {
        if (this.#sentOnSocket.has(m.id) || this.#posting.has(m.id)) continue;
        this.#sentOnSocket.add(m.id);
        this.#send(ws, m.payload ? { type: 'message', id: m.id, payload: m.payload } : { type: 'message', id: m.id, text: m.text });
      }
    } else if (this.#useHttp) {
      void this.#flushHttp();
    }
  }

  /** Tells the server the (new) session or commune of this widget. */
  hello(): void {
    if (this.#ws?.readyState === WebSocket.OPEN) {
      this.#send(this.#ws, { type: 'hello', v: PROTOCOL_VERSION, sessionId: this.source.sessionId(), commune: this.source.commune() });
    }
  }

  /** Deletes the session on the server; false when neither the socket nor HTTP could reach it. */
  clear(): Promise<boolean> {
    const sessionId = this.source.sessionId();
    const ws = this.#ws;
    if (!ws || !this.#welcomed) return this.#clearHttp(sessionId);
    return new Promise((resolve) => {
      this.#clearing = (done) => {
        this.#clearing = null;
        if (done) resolve(true);
        else void this.#clearHttp(sessionId).then(resolve);
      };
      this.#send(ws, { type: 'clear' });
    });
  }

  #connect(): void {
    clearTimeout(this.#timer);
    if (this.#stopped || this.#ws) return;
    if (typeof WebSocket === 'undefined') {
      this.flush();
      return;
    }
    if (!this.#useHttp) this.on.status('connecting');
    const url = new URL('ws/chat', this.service);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url.href);
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.#failures = 0;
      this.hello();
    };
    ws.onmessage = (event) => this.#receive(String(event.data));
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#welcomed = false;
      this.#sentOnSocket.clear();
      this.#clearing?.(false);
      if (!opened && ++this.#failures >= FAILURES_BEFORE_FALLBACK) this.#useHttp = true;
      if (event.code === CLOSE_UNSUPPORTED_VERSION) this.#stopped = true;
      if (!this.#useHttp) this.on.status('offline');
      this.#scheduleRetry();
      this.flush();
    };
  }

  #receive(raw: string): void {
    const frame = parseServerFrame(raw);
    if (!frame) return;
    switch (frame.type) {
      case 'welcome':
        this.on.session(frame.sessionId);
        this.#welcomed = true;
        this.#useHttp = false;
        this.#attempt = 0;
        this.on.status('online');
        this.flush();
        return;
      case 'reply':
        this.#sentOnSocket.delete(frame.id);
        this.on.reply(frame.id, frame.replies);
        return;
      case 'push':
        this.on.push(frame.id, frame.replies);
        return;
      case 'cleared':
        this.#clearing?.(true);
        return;
      case 'announcement':
        this.on.announcement(frame.announcement);
        return;
      case 'error':
        if (frame.id) this.on.refused(frame.id, frame.message);
        // An error without a message id while clearing is the answer to the clear: try it over HTTP instead.
        else if (this.#clearing) this.#clearing(false);
        else this.on.notice(frame.message);
    }
  }

  #send(ws: WebSocket, frame: ClientFrame): void {
    ws.send(JSON.stringify(frame));
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#attempt++) * (0.5 + Math.random() / 2);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#retryNow(), delay);
  }

  #retryNow(): void {
    this.flush();
    this.#connect();
  }

  async #flushHttp(): Promise<void> {
    if (this.#httpBusy) return;
    this.#httpBusy = true;
    try {
      for (;;) {
        const m = this.source.pending().find((p) => !this.#posting.has(p.id) && !this.#sentOnSocket.has(p.id));
        if (!m) break;
        this.#posting.add(m.id);
        const delivered = await this.#post(m).finally(() => this.#posting.delete(m.id));
        if (!delivered) {
          this.on.status('offline');
          this.#scheduleRetry();
          break;
        }
        this.on.status('online');
      }
    } finally {
      this.#httpBusy = false;
    }
  }

  /** One message over POST /api/chat; false when it should be tried again later (network down, server restarting). */
  async #post(m: StoredMessage): Promise<boolean> {
    let res: Response;
    try {
      res = await fetch(new URL('api/chat', this.service).href, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: this.source.sessionId(), ...(m.payload ? { payload: m.payload } : { text: m.text }) }),
      });
    } catch {
      return false;
    }
    if (res.status >= 502) return false;
    const body: unknown = await res.json().catch(() => null);
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (res.ok && typeof sessionId === 'string') this.on.session(sessionId);
    const replies = res.ok ? parseReplies((body as { replies?: unknown } | null)?.replies) : null;
    if (replies) this.on.reply(m.id, replies);
    else this.on.refused(m.id, messageOf(body));
    return true;
  }

  async #clearHttp(sessionId: string | undefined): Promise<boolean> {
    // No id yet: the server holds nothing of this widget.
    if (!sessionId) return true;
    try {
      const res = await fetch(new URL(`api/chat/sessions/${sessionId}`, this.service).href, { method: 'DELETE' });
      return res.ok;
    } catch {
      return false;
    }
  }
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : t.serverTrouble;
}
