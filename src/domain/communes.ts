/**
 * The commune-level units of thành phố Hải Phòng since 1 July 2025 (read from content/communes.json by
 * src/content/communes.ts), with the former units
 * merged into each. Citizens still name their old commune, often without diacritics or with a typo, so lookups go
 * through folded names (current and former) and tolerate small spelling mistakes.
 *
 * A commune's `id` is its statistics code (Cục Thống kê, công văn 1027/CTK-CSCL): official, stable, and unique,
 * whereas slugs of the names are not ("Cẩm Giàng" and "Cẩm Giang" are both xã and fold to the same letters).
 */
import { Memo } from '../memo.js';
import { fold, hasDiacritics, normalizeText, toneKey } from '../text/fold.js';
import { FuzzyIndex } from '../text/fuzzy-index.js';

export interface FormerUnit {
  name: string;
  type: 'xa' | 'phuong' | 'thi_tran' | 'huyen';
  formerDistrict: string;
  /** full: the whole former unit; part: a part of it; remainder: what was left after an earlier clause took a part. */
  portion: 'full' | 'part' | 'remainder';
  code: string;
  /** Other spellings found in official lists (e.g. "Bình Lăng" for "Bình Lãng"). */
  variants?: string[];
}

export interface Commune {
  /** The 5-digit statistics code. */
  id: string;
  name: string;
  type: 'xa' | 'phuong' | 'dac_khu';
  code: string;
  formerProvince: 'Hải Phòng' | 'Hải Dương';
  source: string;
  formerNames: FormerUnit[];
}

export type CommuneType = Commune['type'];

export interface CommuneSummary {
  id: string;
  name: string;
  type: CommuneType;
  formerNames: { name: string; type: FormerUnit['type']; formerDistrict: string; portion: FormerUnit['portion'] }[];
}

export interface CommuneMatch {
  commune: Commune;
  /** The name that matched, as written in the content (current name or former name). */
  matched: string;
  via: 'name' | 'former_name';
  /** Set when a former name matched: which former unit. */
  former?: FormerUnit;
  /** Edit distance between the folded query and the folded name (0 = exact). */
  distance: number;
}

/** The unit-type words a citizen may put before a name; they narrow the candidates but are not part of the name. */
const TYPE_WORDS: { words: string[]; types: (CommuneType | FormerUnit['type'])[] }[] = [
  { words: ['xa', 'x'], types: ['xa'] },
  { words: ['phuong', 'p'], types: ['phuong'] },
  { words: ['thi tran', 'tt'], types: ['thi_tran'] },
  { words: ['dac khu'], types: ['dac_khu', 'huyen'] },
  { words: ['huyen dao'], types: ['huyen', 'dac_khu'] },
];

interface NameEntry {
  commune: Commune;
  name: string;
  accentKey: string;
  via: 'name' | 'former_name';
  former?: FormerUnit;
}

export class CommuneDirectory {
  readonly asOf: string;
  readonly #communes: readonly Commune[];
  readonly #byId: Map<string, Commune>;
  /** Keyed by the folded name without spaces, so "thanhha" and "thanh ha" meet. */
  readonly #names = new FuzzyIndex<NameEntry>(2);
  readonly #longestName: number;
  /** Names typed by citizens repeat (each commune's own name above all); see Memo. */
  readonly #matches = new Memo<readonly CommuneMatch[]>(4096);

  constructor(communes: readonly Commune[], asOf: string) {
    this.asOf = asOf;
    this.#communes = communes;
    this.#byId = new Map(communes.map((c) => [c.id, c]));
    let longest = 0;
    const add = (entry: NameEntry) => {
      this.#names.add(compactKey(entry.name), entry);
      longest = Math.max(longest, fold(entry.name).split(' ').length);
    };
    for (const commune of communes) {
      add({ commune, name: commune.name, accentKey: accentKey(commune.name), via: 'name' });
      for (const former of commune.formerNames) {
        for (const name of [former.name, ...(former.variants ?? [])]) {
          add({ commune, name, accentKey: accentKey(name), via: 'former_name', former });
        }
      }
    }
    this.#longestName = longest;
  }

  all(): readonly Commune[] {
    return this.#communes;
  }

  byId(id: string): Commune | undefined {
    return this.#byId.get(id);
  }

  /** Most syllables in any current or former name (the entity extractor never tries longer spans). */
  get longestNameSyllables(): number {
    return this.#longestName;
  }

  list(): CommuneSummary[] {
    return this.#communes.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      formerNames: c.formerNames.map(({ name, type, formerDistrict, portion }) => ({ name, type, formerDistrict, portion })),
    }));
  }

  /**
   * Communes a citizen may mean by `query` ("Thanh Hà", "xa thanh ha", "phuong kinh mon", "thanh mein"), best first:
   * exact folded matches before typo matches, current names before former names, the typed unit type first.
   * A former unit split between several new communes returns every one of them.
   */
  search(query: string, options: { fuzzy?: boolean } = {}): CommuneMatch[] {
    const { name, types } = stripTypeWord(normalizeText(query));
    if (!name) return [];
    return this.matchName(name, { fuzzy: options.fuzzy ?? true, types });
  }

  /** Like search, for an already-normalized name without a unit-type word (used by the entity extractor). */
  matchName(name: string, options: { fuzzy: boolean; types?: readonly string[] }): CommuneMatch[] {
    const memoKey = `${options.fuzzy ? 'f' : 'x'}${options.types?.join(',') ?? ''}|${name}`;
    return [...this.#matches.get(memoKey, () => this.#match(name, options))];
  }

  #match(name: string, options: { fuzzy: boolean; types?: readonly string[] }): readonly CommuneMatch[] {
    const key = compactKey(name);
    if (key.length < 2) return [];
    let hits = this.#names.exact(key).map((entry) => ({ entry, distance: 0 }));
    if (hits.length === 0 && options.fuzzy) {
      const found = this.#names.search(key, allowedTypos(key));
      const best = found[0]?.distance;
      hits = found.filter((h) => h.distance === best).map((h) => ({ entry: h.value, distance: h.distance }));
    }
    if (hits.length === 0) return [];

    // Diacritics typed by the citizen separate names that fold alike (Cẩm Giàng / Cẩm Giang).
    if (hasDiacritics(name)) {
      const typed = accentKey(name);
      const sameAccents = hits.filter((h) => h.entry.accentKey === typed);
      if (sameAccents.length > 0) hits = sameAccents;
    }

    const types = options.types ?? [];
    const rank = (h: { entry: NameEntry; distance: number }) =>
      h.distance * 100 +
      (types.length && !types.includes(h.entry.former?.type ?? h.entry.commune.type) ? 10 : 0) +
      (h.entry.via === 'name' ? 0 : 1 + (h.entry.former?.portion === 'full' ? 0 : 1));
    hits.sort((a, b) => rank(a) - rank(b));

    const byCommune = new Map<string, CommuneMatch>();
    for (const { entry, distance } of hits) {
      if (byCommune.has(entry.commune.id)) continue;
      byCommune.set(entry.commune.id, { commune: entry.commune, matched: entry.name, via: entry.via, former: entry.former, distance });
    }
    return [...byCommune.values()];
  }
}

function compactKey(name: string): string {
  return fold(name).replace(/ /g, '');
}

function accentKey(name: string): string {
  return normalizeText(name).split(' ').map(toneKey).join(' ');
}

/** Short names get no typo allowance: "an" vs "am" would match half the directory. */
function allowedTypos(key: string): number {
  if (key.length <= 5) return 0;
  return key.length <= 10 ? 1 : 2;
}

function stripTypeWord(normalized: string): { name: string; types: string[] } {
  const folded = fold(normalized);
  for (const { words, types } of TYPE_WORDS) {
    for (const word of words) {
      if (folded.startsWith(`${word} `)) {
        const syllables = word.split(' ').length;
        return { name: normalized.split(' ').slice(syllables).join(' '), types };
      }
    }
  }
  return { name: normalized, types: [] };
}
