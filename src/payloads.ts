/**
 * The payload grammar: what a quick-reply button sends back. Content files name button targets in the same words,
 * so content/ (which validates them), the engine (which dispatches them) and the skills (which make buttons) share
 * this one module, and content/ need not import the engine.
 *
 * - `intent:<name>`: answer an intent directly (menu buttons);
 * - `control:<word>`: one of the engine's control words;
 * - `<skill>:<rest>`: anything else goes to the skill of that name, e.g. `answer:<id>` to the FAQ skill.
 */

/** Words that work in every state (typed, or as a `control:` payload). */
export const CONTROL_WORDS = ['menu', 'cancel', 'restart', 'back', 'resume'] as const;
export type ControlWord = (typeof CONTROL_WORDS)[number];

export const INTENT_PAYLOAD_PREFIX = 'intent:';
export const CONTROL_PAYLOAD_PREFIX = 'control:';
/** The FAQ skill's payloads, and content's targets for another answer. */
export const ANSWER_PAYLOAD_PREFIX = 'answer:';

export const intentPayload = (intent: string): string => INTENT_PAYLOAD_PREFIX + intent;
export const controlPayload = (word: ControlWord): string => CONTROL_PAYLOAD_PREFIX + word;

/** The name of the skill a `<skill>:<rest>` payload is addressed to. */
export function payloadOwner(payload: string): string {
  return payload.slice(0, payload.indexOf(':'));
}
