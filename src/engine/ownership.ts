/**
 * Who answers a conversation: the bot, nobody yet (waiting for an officer), an officer, or nobody any more (closed,
 * which hands it straight back to the bot). One pure state machine; the handoff service applies it to stored
 * handoffs and the engine reads the state to keep the bot silent while a person is asked or answering.
 *
 *   bot ──request──► waiting ──claim──► officer ──close──► closed ──resume──► bot
 *          waiting ──cancel | unclaimed──► bot      officer ──cancel | timed_out──► bot
 *          officer ──hand_over──► officer (another officer)       waiting ──close──► closed
 */
export const OWNERS = ['bot', 'waiting', 'officer', 'closed'] as const;
export type Owner = (typeof OWNERS)[number];

export type OwnershipEvent =
  /** The citizen consented to hand the conversation to their commune's staff. */
  | 'request'
  /** An officer took it. */
  | 'claim'
  /** The officer passed it to a colleague. */
  | 'hand_over'
  /** An officer closed it with an outcome (a waiting one too: answered by telephone, a duplicate…). */
  | 'close'
  /** The citizen asked for the bot back ("hủy", "quay lại trợ lý"). */
  | 'cancel'
  /** Nobody claimed it within the office hours allowed. */
  | 'unclaimed'
  /** The officer who claimed it did not reply in time. */
  | 'timed_out'
  /** A closed conversation is the bot's again. */
  | 'resume';

export const OWNERSHIP_EVENTS: readonly OwnershipEvent[] = [
  'request',
  'claim',
  'hand_over',
  'close',
  'cancel',
  'unclaimed',
  'timed_out',
  'resume',
];

const TRANSITIONS: Record<Owner, Partial<Record<OwnershipEvent, Owner>>> = {
  bot: { request: 'waiting' },
  waiting: { claim: 'officer', close: 'closed', cancel: 'bot', unclaimed: 'bot' },
  officer: { hand_over: 'officer', close: 'closed', cancel: 'bot', timed_out: 'bot' },
  closed: { resume: 'bot' },
};

export class OwnershipTransitionError extends Error {
  constructor(
    readonly from: Owner,
    readonly event: OwnershipEvent,
  ) {
    super(`A conversation owned by "${from}" cannot take the event "${event}"`);
    this.name = 'OwnershipTransitionError';
  }
}

/** The owner after `event`, or null when the event is not allowed from `from`. */
export function nextOwner(from: Owner, event: OwnershipEvent): Owner | null {
  return TRANSITIONS[from][event] ?? null;
}

/** As nextOwner, throwing on a forbidden transition (a bug or a race the caller must report). */
export function transition(from: Owner, event: OwnershipEvent): Owner {
  const to = nextOwner(from, event);
  if (!to) throw new OwnershipTransitionError(from, event);
  return to;
}

/** Whether the bot answers the citizen in this state (it does only when nobody else is, or is being, asked). */
export function botAnswers(owner: Owner): boolean {
  return owner === 'bot' || owner === 'closed';
}
