import { z } from 'zod';
import type { ServerFrame, WireAnnouncement, WireReply } from './wire.js';

/** A push as the relay carries it: the commune and the frame, already serialised once by the instance that pushed. */
const relayedPush = z.object({ commune: z.string(), data: z.string() });
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
 * Carries a pushed frame to every instance of the service, this one included (Redis pub/sub when several run), so a
 * widget gets an announcement whichever instance holds its socket.
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

  /** Without a relay, pushes reach this instance's widgets only (one instance). */
  constructor(relay: PushRelay | null = null) {
    this.#relay = relay;
  }

  /** With a relay: starts receiving what every instance pushes (before the service takes traffic). */
  async start(): Promise<void> {
    await this.#relay?.listen((message) => {
      const relayed = relayedPush.safeParse(parseJson(message));
      if (relayed.success) this.#deliver(relayed.data.commune, relayed.data.data);
    });
  }

  /** Registers an open widget under its session, for messages to that citizen; returns the removal function. */
  join(sessionId: string, target: PushTarget): () => void {
    return addTo(this.#bySession, sessionId, target);
  }

  /** Whether a widget of this session is open now. */
  hasSession(sessionId: string): boolean {
    return this.#bySession.has(sessionId);
  }

  /**
   * Pushes messages the service sends unasked (an officer's reply) to the open widgets of one session; returns how
   * many got it (0: none open, the caller keeps the message for the citizen's next turn).
   */
  sendToSession(sessionId: string, push: { id: string; replies: WireReply[] }): number {
    const frame: ServerFrame = { type: 'push', id: push.id, replies: push.replies };
    const data = JSON.stringify(frame);
    const targets = this.#bySession.get(sessionId) ?? [];
    for (const target of targets) target(data);
    return this.#bySession.get(sessionId)?.size ?? 0;
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
