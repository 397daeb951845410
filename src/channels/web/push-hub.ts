import type { ServerFrame, WireAnnouncement, WireReply } from './wire.js';

/** Something that can take a server frame already serialised (an open widget socket). */
export type PushTarget = (frame: string) => void;

/** Where open widgets that named no commune are kept: they receive only province-wide ("all") announcements. */
const NO_COMMUNE = '';

/**
 * Live push to open widgets. Each socket tells the server its page's commune in `hello`; the hub keeps open
 * sockets by commune so an announcement reaches exactly the widgets of its communes, the moment it is published.
 */
export class WebPushHub {
  readonly #byCommune = new Map<string, Set<PushTarget>>();
  readonly #bySession = new Map<string, Set<PushTarget>>();

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
   * Pushes an announcement to the open widgets of one commune ("all": every open widget). Returns how many
   * widgets it was handed to; a widget that is not open misses it and reads it from the feed later.
   */
  broadcastToCommune(commune: string, announcement: WireAnnouncement): number {
    const { id, title, body, publishedAt } = announcement;
    const frame: ServerFrame = { type: 'announcement', announcement: { id, title, body, publishedAt } };
    const data = JSON.stringify(frame);
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
