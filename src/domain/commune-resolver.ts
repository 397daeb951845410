import { communeLabel } from './commune-label.js';
import type { CommuneDirectory } from './communes.js';

/**
 * Reads a place from Zalo's information form with the commune directory. A current name wins; a former name counts
 * only when it went to a single new commune (a split one cannot say which, so the citizen is asked instead).
 */
export function communeResolver(directory: CommuneDirectory): (place: string) => { id: string; name: string } | null {
  return (place) => {
    const matches = directory.search(place);
    const best = matches[0];
    if (!best || (best.via !== 'name' && matches.length > 1)) return null;
    return { id: best.commune.id, name: communeLabel(best.commune) };
  };
}
