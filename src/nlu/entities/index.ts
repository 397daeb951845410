/**
 * All entities of one message: money (đồng), count (household members), area (rural/urban), commune (id).
 * The money and count readers are exported for the screening flow, which asks for exactly those.
 */
import type { CommuneDirectory } from '../../domain/communes.js';
import { type Token, tokenize } from '../../text/tokenize.js';
import type { Entity } from '../types.js';
import { findAreas } from './area.js';
import { findCommunes } from './commune.js';
import { findCounts } from './count.js';
import { findMoney } from './money.js';
import { mentionsNumber } from './numbers.js';

export { extractCount, findCounts } from './count.js';
export { findMoney } from './money.js';

/** `text` must be NFC; offsets in the entities refer to it. Sorted by position. */
export function extractEntities(text: string, communes: CommuneDirectory, tokens: readonly Token[] = tokenize(text)): Entity[] {
  const numbers = mentionsNumber(tokens);
  const money = numbers ? findMoney(text, tokens) : [];
  const counts = numbers ? findCounts(text, tokens) : [];
  const communeEntities = findCommunes(text, tokens, communes);
  const areas = findAreas(text, tokens, new Set(communeEntities.map((c) => c.start)));
  const entities = [...money, ...counts, ...areas, ...communeEntities];
  return entities.length > 1 ? entities.sort((a, b) => a.start - b.start) : entities;
}
