import { describe, expect, it } from 'vitest';
import {
  botAnswers,
  nextOwner,
  OWNERS,
  OWNERSHIP_EVENTS,
  type Owner,
  type OwnershipEvent,
  OwnershipTransitionError,
  transition,
} from '../../src/engine/ownership.js';

/** The whole table: every state × every event; anything not listed is forbidden. */
const ALLOWED: Record<string, Owner> = {
  'bot request': 'waiting',
  'waiting claim': 'officer',
  'waiting close': 'closed',
  'waiting cancel': 'bot',
  'waiting unclaimed': 'bot',
  'officer hand_over': 'officer',
  'officer close': 'closed',
  'officer cancel': 'bot',
  'officer timed_out': 'bot',
  'closed resume': 'bot',
};

describe('conversation ownership', () => {
  const pairs = OWNERS.flatMap((from) => OWNERSHIP_EVENTS.map((event) => [from, event] as [Owner, OwnershipEvent]));

  it.each(pairs)('%s + %s', (from, event) => {
    const expected = ALLOWED[`${from} ${event}`];
    if (expected) {
      expect(transition(from, event)).toBe(expected);
      expect(nextOwner(from, event)).toBe(expected);
    } else {
      expect(nextOwner(from, event)).toBeNull();
      expect(() => transition(from, event)).toThrow(OwnershipTransitionError);
    }
  });

  it('runs the whole cycle bot → waiting → officer → closed → bot', () => {
    const events: OwnershipEvent[] = ['request', 'claim', 'close', 'resume'];
    const path: Owner[] = ['bot'];
    for (const event of events) path.push(transition(path.at(-1)!, event));
    expect(path).toEqual(['bot', 'waiting', 'officer', 'closed', 'bot']);
  });

  it('lets the bot answer only when no person is asked or answering', () => {
    expect(OWNERS.filter(botAnswers)).toEqual(['bot', 'closed']);
  });
});
