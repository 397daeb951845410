/**
 * What the classifier sees of a message: each folded syllable, each pair of neighbouring syllables (a stand-in for
 * two-syllable words: "bảo hiểm", "học phí", "hộ nghèo"), the first syllable as such (greetings, thanks and commands
 * show in how a message starts: "chào…", "dừng…", "xóa…"), and — when the citizen typed diacritics — the accented
 * syllable too, because accents separate words that fold alike ("nhà" house / "nhá" particle, "bảo" / "báo").
 */
import type { Word } from './lexicon.js';

export function featuresOf(words: readonly Word[]): string[] {
  const features = new Set<string>();
  if (words[0]) features.add(`^${words[0].form}`);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    features.add(word.form);
    if (word.typed) features.add(`~${word.typed}`);
    const next = words[i + 1];
    if (next) features.add(`${word.form}_${next.form}`);
  }
  return [...features];
}
