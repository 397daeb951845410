/**
 * Telex residue: when the phone's Vietnamese keyboard is off, Telex keystrokes stay in the text ("hooj ngheof" for
 * "hộ nghèo", "dduwowcj" for "được", "camr onw" for "cảm ơn"). Tone keys (s f r x j) never end a Vietnamese
 * syllable and the shape keys (aa ee oo dd w) never occur in folded text, so a token that is not a plain syllable
 * but becomes one once those keys are undone is Telex residue.
 */
const ONSET = '(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?';
const SYLLABLE_RE = new RegExp(`^${ONSET}[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$`);

/** Whether a folded token has the shape of a Vietnamese syllable (loose: vowel clusters are not checked one by one). */
export function isSyllable(folded: string): boolean {
  return SYLLABLE_RE.test(folded);
}

const TONE_KEYS = /[sfrxj]/;

/** The folded syllable a Telex-typed token stands for, or null when the token is not Telex residue. */
export function undoTelex(folded: string): string | null {
  if (folded.length < 2 || /[^a-z]/.test(folded)) return null;
  let word = folded;
  let changed = false;

  // The tone key may come at the end ("ngheof") or right after the vowel ("hojc"); drop one, after the first vowel.
  const firstVowel = word.search(/[aeiouy]/);
  if (firstVowel < 0) return null;
  for (let i = word.length - 1; i > firstVowel; i--) {
    if (TONE_KEYS.test(word[i]!) && !isSyllable(word)) {
      word = word.slice(0, i) + word.slice(i + 1);
      changed = true;
      break;
    }
  }

  const shaped = word
    .replace(/^dd/, 'd')
    .replace(/([aeo])\1/g, '$1')
    .replace(/([aou])w/g, '$1')
    // "onw" (ơn): the horn key may also come after the final consonant.
    .replace(/([aou][a-z]*)w$/, '$1')
    .replace(/w/g, 'u');
  if (shaped !== word) {
    word = shaped;
    changed = true;
  }
  return changed && isSyllable(word) ? word : null;
}
