import type { Commune, Me } from './console-api.js';

/** What every console view may use: who is logged in, the communes, navigation and messages to the user. */
export interface ConsoleContext {
  me: Me;
  communes: readonly Commune[];
  communeById: ReadonlyMap<string, Commune>;
  /** Shows a view: "compose", "list", "report/<id>", "accounts", "audit", "unanswered". */
  go(route: string): void;
  /** A message at the top of the page (errors in red, confirmations in green). */
  say(message: string, kind?: 'error' | 'ok'): void;
}
