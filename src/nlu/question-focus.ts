/**
 * Long messages: "Thưa luật sư, nhà tôi có 5 người, bố tôi bị tai nạn… Xin hỏi hộ tôi có được vay vốn không? Xin cảm
 * ơn." The salutations and the signature say nothing of the topic, the story says a little, the question sentence
 * says most. This module splits a message into sentences, drops the polite formulas, and tells questions from story.
 */

import { Memo } from '../memo.js';
import { toneKey } from '../text/fold.js';
import { tokenize } from '../text/tokenize.js';
import { normalizeTokens } from './lexicon.js';

export type SentenceRole = 'question' | 'context';

export interface Sentence {
  text: string;
  role: SentenceRole;
}

/** Openings and closings that carry no content, folded; removed wherever a sentence starts with one. */
const FORMULAS = [
  'kinh gui', 'kinh thua', 'thua luat su', 'thua ban bien tap', 'thua bao', 'thua quy bao', 'thua chuyen gia', 'thua anh',
  'thua chi', 'thua ong', 'thua ba', 'thua co', 'thua', 'chao ban bien tap', 'chao luat su', 'chao ban', 'chao anh',
  'chao chi', 'chao em', 'chao ad', 'chao admin', 'xin chao', 'chao', 'alo', 'ban bien tap cho toi hoi', 'ban bien tap',
  'luat su cho toi hoi', 'luat su oi', 'cho toi hoi', 'cho em hoi', 'cho minh hoi', 'cho chau hoi', 'cho tui hoi',
  'xin hoi', 'em xin hoi', 'toi xin hoi', 'xin cho hoi', 'xin duoc hoi', 'toi muon hoi', 'em muon hoi', 'minh muon hoi',
  'xin cam on', 'cam on', 'tran trong cam on', 'tran trong', 'rat mong duoc giai dap', 'mong duoc giai dap',
  'mong nhan duoc phan hoi', 'mong duoc tra loi', 'rat mong', 'xin tu van', 'nho tu van', 'nho giai dap', 'giup em voi',
  'giup toi voi', 'em cam on', 'toi xin cam on',
];
const FORMULA_LIST = FORMULAS.map((f) => f.split(' ')).sort((a, b) => b.length - a.length);

/** Folded word sequences that make a sentence a question. */
const QUESTION_CUES = [
  'bao nhieu', 'the nao', 'nhu the nao', 'o dau', 'khi nao', 'bao gio', 'lam sao', 'the sao', 'ra sao', 'co phai',
  'phai khong', 'duoc khong', 'co duoc', 'hay khong', 'hay chua', 'can gi', 'gi', 'nao', 'sao', 'ai', 'muon biet',
].map((c) => c.split(' '));
/**
 * "hỏi" asks; folded it is also "hội" ("trợ cấp xã hội", "Hội phụ nữ") and the "hồi" of "phản hồi", which ask nothing:
 * typed with accents it must be "hỏi", typed without them it must not follow the words of those phrases.
 */
const ASK = toneKey('hỏi');
const NOT_ASKING_BEFORE_HOI = new Set(['xa', 'phan', 'co', 'dai', 'hiep', 'doan', 'quoc', 'le', 'hoi']);
/** Negations elsewhere, but a question at the end of a sentence ("hộ nghèo vay được ko", "có thẻ chưa ạ"). */
const FINAL_CUES = new Set(['khong', 'chua']);
const FINAL_PARTICLES = new Set(['a', 'vay', 'nhi', 'nhe', 'ha', 'ta', 'ban', 'em', 'anh', 'chi', 'ad', 'admin']);

/**
 * Sentence ends; a newline too, since many type one thought per line. A full stop ends a sentence only before a space
 * or the end: "1.500.000 đồng", "gmail.com" stay whole.
 */
const SENTENCE_END = /(?:[?!;\n…]|\.(?!\S))+/;


/** A chat turn splits the same message more than once (the whole, then each question); the split is remembered. */
const SPLITS = new Memo<readonly Sentence[]>(256);

/** Splits a message into content sentences (formulas removed), each marked question or context. */
export function sentencesOf(text: string): readonly Sentence[] {
  return SPLITS.get(text, split);
}

function split(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let rest = text.normalize('NFC');
  while (rest.length > 0) {
    const match = SENTENCE_END.exec(rest);
    const end = match ? match.index + match[0].length : rest.length;
    const raw = rest.slice(0, end);
    rest = rest.slice(end);
    const content = withoutFormulas(raw.replace(SENTENCE_END, ' ').trim());
    if (!content) continue;
    sentences.push({ text: content, role: raw.includes('?') || asksSomething(content) ? 'question' : 'context' });
  }
  return sentences;
}

/** The sentence without the formulas it starts with ("Thưa luật sư, cho tôi hỏi hộ nghèo…" → "hộ nghèo…"). */
function withoutFormulas(sentence: string): string {
  let tokens = tokenize(sentence);
  for (;;) {
    const folded = tokens.map((t) => t.folded);
    const formula = FORMULA_LIST.find((f) => f.every((w, i) => folded[i] === w));
    if (!formula) break;
    tokens = tokens.slice(formula.length);
  }
  if (tokens.length === 0) return '';
  return sentence.slice(tokens[0]!.start).trim();
}

function asksSomething(sentence: string): boolean {
  const words = normalizeTokens(tokenize(sentence));
  const forms = words.map((w) => w.form);
  const asks = words.some((w, i) => w.form === 'hoi' && (w.typed === undefined ? !NOT_ASKING_BEFORE_HOI.has(forms[i - 1] ?? '') : w.typed === ASK));
  if (asks) return true;
  let last = forms.length - 1;
  while (last > 0 && FINAL_PARTICLES.has(forms[last]!)) last--;
  if (FINAL_CUES.has(forms[last] ?? '')) return true;
  return QUESTION_CUES.some((cue) => forms.some((_, i) => cue.every((w, j) => forms[i + j] === w)));
}

/** The message's question sentences; every content sentence when none reads as a question. */
export function questionsOf(sentences: readonly Sentence[]): Sentence[] {
  const questions = sentences.filter((s) => s.role === 'question');
  return questions.length > 0 ? questions : [...sentences];
}
