import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ServerFrame, WireAnnouncement, WireReply } from './wire.js';

/**
 * What the relay carries, each frame already serialised once by the instance that pushed: an announcement for the
 * widgets of a commune; a message for the widgets of one session (`data` null: only asks whether one is open), with
 * `ask` when the sender waits to hear that an instance holds one; and that instance's answer.
 */
const relayed = z.union([
  z.object({ commune: z.string(), data: z.string() }),
  z.object({ session: z.string(), data: z.string().nullable(), from: z.string(), ask: z.string().optional() }),
  z.object({ held: z.string() }),
]);
/**
 * How long an instance waits for another to say it holds a widget of the session; past it, none is taken to be open.
 * A message waits longer (taken for unsent, it would go again with the citizen's next message) than the question of
 * whether one is open (a hint in the staff console, asked each time it shows the conversation).
 */
const HELD_ANSWER_MS = { message: 3_000, question: 500 };
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** Something that can take a server frame already serialised (an open widget socket). */
export type PushTarget = (frame: string) => void;

/**
 * Carries a pushed frame to every instance of the service, this one included (Redis pub/sub, or PostgreSQL
 * LISTEN/NOTIFY, when several run), so a widget gets an announcement or an officer's reply whichever instance holds
 * its socket.
 */
export interface PushRelay {
  /** Never rejects: a push that cannot be relayed is logged and missed (the widget reads the feed later). */
  publish(message: string): Promise<void>;
  /** `deliver` is called with every message published by any instance. */
  listen(deliver: (message: string) => void): Promise<void>;
}

/** Where open widgets that named no commune are kept: they receive only province-wide ("all") announcements. */
const NO_COMMUNE = '';

/**
 * Live push to open widgets. Each socket tells the server its page's commune in `hello`; the hub keeps open
 * sockets by commune so an announcement reaches exactly the widgets of its communes, the moment it is published.
 */
export class WebPushHub {
  readonly #byCommune = new Map<string, Set<PushTarget>>();
  readonly #bySession = new Map<string, Set<PushTarget>>();
  readonly #relay: PushRelay | null;
  /** Tells this instance's own session messages from the others' on the relay. */
  readonly #instance = randomUUID();
  /** Session messages waiting to hear that another instance holds a widget of the session. */
  readonly #asks = new Map<string, () => void>();

  /** Without a relay, pushes reach this instance's widgets only (one instance). */
  constructor(relay: PushRelay | null = null) {
    this.#relay = relay;
  }

  /** With a relay: starts receiving what every instance pushes (before the service takes traffic). */
  async start(): Promise<void> {
    const relay = this.#relay;
    await relay?.listen((message) => {
      const parsed = relayed.safeParse(parseJson(message));
      if (!parsed.success) return;
      const m = parsed.data;
      if ('commune' in m) this.#deliver(m.commune, m.data);
      else if ('held' in m) this.#asks.get(m.held)?.();
      else if (m.from !== this.#instance && this.#toLocalSession(m.session, m.data) > 0 && m.ask) {
        void relay.publish(JSON.stringify({ held: m.ask }));
      }
    });
  }

  /** Registers an open widget under its session, for messages to that citizen; returns the removal function. */
  join(sessionId: string, target: PushTarget): () => void {
    return addTo(this.#bySession, sessionId, target);
  }

  /** Whether a widget of this session is open now, on any instance. */
  hasSession(sessionId: string): Promise<boolean> {
    return this.#toSession(sessionId, null, HELD_ANSWER_MS.question);
  }

  /**
   * Pushes messages the service sends unasked (an officer's reply) to the open widgets of one session, on whichever
   * instance holds them; resolves with whether one got it (false: none open, the caller keeps the message for the
   * citizen's next turn).
   */
  sendToSession(sessionId: string, push: { id: string; replies: WireReply[] }): Promise<boolean> {
    const frame: ServerFrame = { type: 'push', id: push.id, replies: push.replies };
    return this.#toSession(sessionId, JSON.stringify(frame), HELD_ANSWER_MS.message);
  }

  /**
   * `data` to the session's widgets here and, through the relay, on the other instances; true when one holds a widget
   * of it (here, or another instance answered within `waitMs`). `data` null only asks.
   */
  async #toSession(sessionId: string, data: string | null, waitMs: number): Promise<boolean> {
    const here = this.#toLocalSession(sessionId, data) > 0;
    const relay = this.#relay;
    if (!relay) return here;
    if (here) {
      // Another tab of the same session may be open on another instance.
      if (data !== null) await relay.publish(JSON.stringify({ session: sessionId, data, from: this.#instance }));
      return true;
    }
    const ask = randomUUID();
    const answered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#asks.delete(ask);
        resolve(false);
      }, waitMs);
      timer.unref();
      this.#asks.set(ask, () => {
        clearTimeout(timer);
        this.#asks.delete(ask);
        resolve(true);
      });
    });
    await relay.publish(JSON.stringify({ session: sessionId, data, from: this.#instance, ask }));
    return answered;
  }

  /** Hands `data` (unless null) to this instance's widgets of the session; returns how many there are. */
  #toLocalSession(sessionId: string, data: string | null): number {
    const targets = this.#bySession.get(sessionId);
    if (!targets) return 0;
    if (data !== null) for (const target of targets) target(data);
    return targets.size;
  }

  /** Registers an open widget; the returned function removes it (call it when the socket closes or re-hellos). */
  subscribe(commune: string | null, target: PushTarget): () => void {
    return addTo(this.#byCommune, commune ?? NO_COMMUNE, target);
  }

  /**
   * Pushes an announcement to the open widgets of one commune ("all": every open widget), through the relay when
   * there is one. Returns how many widgets of this instance it was handed to (with a relay: resolves once published).
   * A widget that is not open misses it and reads it from the feed later.
   */
  broadcastToCommune(commune: string, announcement: WireAnnouncement): number | Promise<void> {
    const { id, title, body, publishedAt } = announcement;
    const frame: ServerFrame = { type: 'announcement', announcement: { id, title, body, publishedAt } };
    const data = JSON.stringify(frame);
    if (this.#relay) return this.#relay.publish(JSON.stringify({ commune, data }));
    return this.#deliver(commune, data);
  }

  #deliver(commune: string, data: string): number {
    const groups = commune === 'all' ? [...this.#byCommune.values()] : [this.#byCommune.get(commune) ?? []];
    let reached = 0;
    for (const targets of groups) {
      for (const target of targets) {
        target(data);
        reached++;
      }
    }
    return reached;
  }

  /** Open widgets registered with the hub. */
  get size(): number {
    let n = 0;
    for (const targets of this.#byCommune.values()) n += targets.size;
    return n;
  }
}

function addTo(groups: Map<string, Set<PushTarget>>, key: string, target: PushTarget): () => void {
  let targets = groups.get(key);
  if (!targets) {
    targets = new Set();
    groups.set(key, targets);
  }
  targets.add(target);
  return () => {
    targets.delete(target);
    if (targets.size === 0 && groups.get(key) === targets) groups.delete(key);
  };
}
