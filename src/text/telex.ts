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
const CODA_RE = /^(?:ch|nh|ng|[cmnpt])$/;

/** The folded syllable a Telex-typed token stands for, or null when the token is not Telex residue. */
export function undoTelex(folded: string): string | null {
  // A leading "w" before a vowel is English ("wifi", "web"), not the Telex "ư".
  if (folded.length < 2 || /[^a-z]/.test(folded) || /^w[aeiouy]/.test(folded)) return null;
  let word = folded;
  let changed = false;

  // The tone key usually ends the syllable ("ngheof"); some type it right after the vowel, before the final consonant
  // ("hojc", "vieejt"). Mid-word, "s" is left alone: English words ("test") have it there far more often.
  const firstVowel = word.search(/[aeiouy]/);
  if (firstVowel < 0) return null;
  if (!isSyllable(word)) {
    for (let i = word.length - 1; i > firstVowel; i--) {
      const atEnd = i === word.length - 1;
      if (TONE_KEYS.test(word[i]!) && (atEnd || (word[i] !== 's' && CODA_RE.test(word.slice(i + 1))))) {
        word = word.slice(0, i) + word.slice(i + 1);
        changed = true;
        break;
      }
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
