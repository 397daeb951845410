import { describe, expect, it } from 'vitest';
import { normalizeTokens } from '../../src/nlu/lexicon.js';
import { Vocabulary } from '../../src/nlu/vocabulary.js';
import { editDistance, FuzzyIndex } from '../../src/text/fuzzy-index.js';
import { tokenize } from '../../src/text/tokenize.js';

const words = (text: string) => normalizeTokens(tokenize(text));

describe('edit distance', () => {
  it.each([
    ['ngheo', 'ngheo', 0],
    ['ngeo', 'ngheo', 1],
    ['ngheo', 'nghoe', 1],
    ['thanhmien', 'thanhmein', 1],
    ['abc', 'xyz', 3],
    ['', 'abc', 3],
  ])('%s ↔ %s = %d', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('stops counting past the limit', () => {
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
  });
});

describe('fuzzy index', () => {
  it('finds keys within the distance, nearest first', () => {
    const index = new FuzzyIndex<string>(2);
    for (const key of ['thanhha', 'thanhmien', 'kinhmon']) index.add(key, key.toUpperCase());
    expect(index.search('thanhmein').map((h) => [h.key, h.distance])).toEqual([['thanhmien', 1]]);
    expect(index.search('thanhh', 1).map((h) => h.value)).toEqual(['THANHHA']);
    expect(index.search('kimhmom', 1)).toEqual([]);
    expect(index.search('kimhmom', 2).map((h) => h.key)).toEqual(['kinhmon']);
    expect(index.exact('kinhmon')).toEqual(['KINHMON']);
  });

  it('finds keys added after its first search (the deletion index is built then, and kept up to date)', () => {
    const index = new FuzzyIndex<string>(1);
    index.add('thanhha', 'a');
    expect(index.search('thanhhs').map((h) => h.key)).toEqual(['thanhha']);
    index.add('thanhhai', 'b');
    index.add('thanhha', 'c');
    expect(index.search('thanhhs').map((h) => [h.key, h.value])).toEqual([['thanhha', 'a'], ['thanhha', 'c']]);
    expect(index.search('thanhhaj').map((h) => h.value).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('vocabulary repair', () => {
  const vocabulary = new Vocabulary();
  for (const example of ['ho ngheo vay von', 'ho ngheo duoc ho tro', 'the bao hiem y te', 'hoc phi']) vocabulary.add(words(example));
  const repaired = (text: string) =>
    words(text)
      .flatMap((w) => vocabulary.repairForm(w.form) ?? [w.form])
      .join(' ');

  it('corrects an unknown word to the most frequent known word one edit away', () => {
    expect(repaired('ho ngeo vay vonn')).toBe('ho ngheo vay von');
    expect(repaired('bao hiemm y te')).toBe('bao hiem y te');
  });

  it('splits two known syllables typed as one', () => {
    expect(repaired('hongheo vay von')).toBe('ho ngheo vay von');
  });

  it('leaves known words, short words and numbers alone', () => {
    expect(repaired('hoc phi 5 trieu')).toBe('hoc phi # trieu');
    expect(repaired('hoz ngheo')).toBe('hoz ngheo');
  });
});
