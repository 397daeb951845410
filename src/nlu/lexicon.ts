/**
 * Teencode, abbreviations and Telex residue, rewritten to the folded syllables they stand for, so that "ho ngheo
 * vay dc bn", "hooj ngheof vay được bao nhiêu" and "hộ nghèo vay đc bn" reach the classifier as the same words.
 * Keys are folded (no diacritics, đ → d): "đc" and "dc", "xklđ" and "xkld" are one entry.
 */

import { Memo } from '../memo.js';
import { toneKey } from '../text/fold.js';
import { isSyllable, undoTelex } from '../text/telex.js';
import type { Token } from '../text/tokenize.js';

/** A normalized syllable; expansions of one typed token share that token's offsets. */
export interface Word {
  /** Folded syllable ("khong", "bao", "nhieu") or "#" for a number. */
  form: string;
  /** The syllable as typed with its diacritics (tone-placement independent, see toneKey), when it had any. */
  typed?: string;
  start: number;
  end: number;
}

/** Unambiguous rewrites. */
const REWRITES: Record<string, string> = {
  // negation and common particles
  ko: 'khong', k: 'khong', kh: 'khong', khg: 'khong', kg: 'khong', hok: 'khong', hk: 'khong', hem: 'khong',
  khum: 'khong', khom: 'khong',
  dc: 'duoc', duok: 'duoc',
  j: 'gi', ji: 'gi', gj: 'gi', zi: 'gi',
  ntn: 'nhu the nao', ntnao: 'nhu the nao',
  r: 'roi', rui: 'roi',
  vs: 'voi', ms: 'moi', cx: 'cung', cg: 'cung', trc: 'truoc', ns: 'noi', nt: 'nhan tin', ntin: 'nhan tin',
  z: 'vay', v: 'vay', zay: 'vay',
  bik: 'biet', bit: 'biet', bjk: 'biet', bjt: 'biet', kbiet: 'khong biet', kb: 'khong biet',
  nhiu: 'nhieu', bnhieu: 'bao nhieu', bnh: 'bao nhieu', bgio: 'bao gio', bjo: 'bao gio',
  hnay: 'hom nay', hum: 'hom', wa: 'qua', qa: 'qua', ik: 'di', dj: 'di', ak: 'a', ah: 'a',
  dag: 'dang', dg: 'dang', lm: 'lam', ng: 'nguoi', ngta: 'nguoi ta', mn: 'moi nguoi', mik: 'minh', mk: 'minh', mh: 'minh',
  e: 'em', b: 'ban', ad: 'admin', oke: 'ok', okie: 'ok', oki: 'ok', okay: 'ok', uh: 'u', uk: 'u', um: 'u',
  tks: 'cam on', thks: 'cam on', thanks: 'cam on', thank: 'cam on', thx: 'cam on', camon: 'cam on',
  vk: 'vo', ck: 'chong', bme: 'bo me', gd: 'gia dinh', cty: 'cong ty', sv: 'sinh vien', hs: 'hoc sinh',
  dt: 'dien thoai', sdt: 'so dien thoai', stk: 'so tai khoan', tk: 'tai khoan', tp: 'thanh pho', dky: 'dang ky',
  dki: 'dang ky', dangky: 'dang ky', tgian: 'thoi gian', hdsd: 'huong dan su dung',
  // programme and administration abbreviations
  bhyt: 'bao hiem y te', bhxh: 'bao hiem xa hoi', bhtn: 'bao hiem that nghiep',
  nhcsxh: 'ngan hang chinh sach xa hoi', nhcs: 'ngan hang chinh sach', nhxh: 'ngan hang chinh sach xa hoi',
  xkld: 'xuat khau lao dong', ubnd: 'uy ban nhan dan', ub: 'uy ban', hdnd: 'hoi dong nhan dan',
  cccd: 'can cuoc cong dan', cmnd: 'chung minh nhan dan', cmt: 'chung minh thu',
  hcn: 'ho can ngheo', ldtbxh: 'lao dong thuong binh xa hoi',
  mttq: 'mat tran to quoc', ttdvvl: 'trung tam dich vu viec lam', dvvl: 'dich vu viec lam', tgpl: 'tro giup phap ly',
  vsmt: 've sinh moi truong', nsvsmt: 'nuoc sach ve sinh moi truong', ctxh: 'cong tac xa hoi', hssv: 'hoc sinh sinh vien',
  dh: 'dai hoc', cd: 'cao dang', thpt: 'trung hoc pho thong', thcs: 'trung hoc co so', hdld: 'hop dong lao dong',
  dvc: 'dich vu cong', tthc: 'thu tuc hanh chinh',
  nkt: 'nguoi khuyet tat', dtts: 'dan toc thieu so', btxh: 'bao tro xa hoi', tcxh: 'tro cap xa hoi', nct: 'nguoi cao tuoi',
};

/** Acronyms and loanwords that look like Telex residue ("eps" is the Korean work programme, not "ép"). */
const KEEP = new Set(['eps', 'sms', 'gps', 'ios', 'bus', 'yes', 'gas', 'test', 'tivi', 'wifi', 'zalo', 'viettel']);

/** Right after a number, short words are units: 5k, 2tr, 3 củ, 500đ, 9kg (not "không"), 20m. */
const AFTER_NUMBER: Record<string, string> = {
  k: 'nghin', tr: 'trieu', cu: 'trieu', d: 'dong', vnd: 'dong', ng: 'nghin', kg: 'kg', m: 'met', km: 'km', t: 'tuoi',
};

/** "bn" is "bao nhiêu" after these words or before these words; otherwise, at the start or after a greeting, "bạn". */
const QUANTITY_BEFORE = new Set([
  'la', 'duoc', 'dc', 'het', 'mat', 'tra', 'vay', 'phi', 'tien', 'gia', 'luong', 'nhap', 'muc', 'khoang', 'lai', 'chuan',
  'tro', 'toi', 'da', 'sdt', 'thoai', 'so', 'nhieu', 'nam', 'thang', 'huong', 'cao', 'dong', 'nop', 'giam', 'bi', 'can',
  'suat',
]);
const QUANTITY_AFTER = new Set([
  'tien', 'tuoi', 'nguoi', 'thang', 'nam', 'ngay', 'lau', 'phan', 'trieu', 'nghin', 'lan', 'khau', 'dong', 'k', 'tr', 'ho',
  'suat', 'muc', 'm2', 'cu',
]);
const PERSON_BEFORE = new Set(['chao', 'on', 'hi', 'hello', 'ua', 'oi', 'cua', 'voi', 'giup', 'hoi', 'nho', 'cho']);
const PERSON_AFTER = new Set(['oi', 'co', 'cho', 'giup', 'la', 'lam', 'tra', 'biet', 'hieu', 'noi', 'oii', 'nhe', 'a', 'dang', 'ten']);

function rewriteBn(prev: string | undefined, next: string | undefined, isLast: boolean): string {
  if (next !== undefined && QUANTITY_AFTER.has(next)) return 'bao nhieu';
  if (prev === undefined || PERSON_BEFORE.has(prev) || (next !== undefined && PERSON_AFTER.has(next))) return 'ban';
  if (QUANTITY_BEFORE.has(prev) || isLast) return 'bao nhieu';
  return 'ban';
}

/** "hp" is "học phí" when the sentence is about school, "Hải Phòng" after a place word, "học phí" otherwise. */
const SCHOOL_WORDS = new Set(['mien', 'giam', 'hoc', 'truong', 'nop', 'sinh', 'lop', 'ky', 'con', 'chau', 'dai', 'mam', 'tieu']);
const PLACE_BEFORE = new Set(['tp', 'pho', 'o', 'tai', 've', 'tinh', 'den', 'thuoc', 'xuong', 'ra', 'dan', 'hoi', 'nhan']);

function rewriteHp(prev: string | undefined, sentence: readonly Token[]): string {
  if (sentence.some((t) => SCHOOL_WORDS.has(t.folded))) return 'hoc phi';
  if (prev !== undefined && PLACE_BEFORE.has(prev)) return 'hai phong';
  return 'hoc phi';
}

/** "hông" ends a yes/no question as "không"; elsewhere "hong" is "hỏng" (broken) or "hồng". */
function rewriteHong(token: Token, next: string | undefined, isLast: boolean): string | undefined {
  const asQuestion = isLast || ['a', 'ha', 'vay', 'nhe', 'nhi', 'ta', 'z', 'v'].includes(next!);
  return asQuestion && (token.text === 'hong' || token.text === 'hông') ? 'khong' : undefined;
}

/** "dk"/"đk" opens a request as "đăng ký" ("dk nhan tin"); elsewhere it is teencode for "được" ("co dk ko"). */
const REGISTER_NEXT = new Set(['nhan', 'theo', 'tin', 'thong', 'hoc', 'tham', 'vay', 'lam', 'ho', 'xet', 'cho']);
function rewriteDk(prev: string | undefined, next: string | undefined): string {
  return prev === undefined || (next !== undefined && REGISTER_NEXT.has(next)) ? 'dang ky' : 'duoc';
}

/** "nc" is "nói chuyện" before "với"; "nước" otherwise. */
function rewriteNc(next: string | undefined): string {
  return next === 'voi' || next === 'vs' ? 'noi chuyen' : 'nuoc';
}

/** Stretched words ("alooo", "okkk", "nhaaa"): no Vietnamese syllable has a letter three times in a row. */
function unstretch(folded: string): string {
  for (let i = 2; i < folded.length; i++) {
    if (folded[i] === folded[i - 1] && folded[i] === folded[i - 2]) return folded.replace(/([a-z])\1{2,}/g, '$1');
  }
  return folded;
}

/** The syllables one typed token stands for, without offsets. */
export type Forms = readonly { form: string; typed?: string }[];

/**
 * What a word typed on its own stands for: a teencode or abbreviation expansion, undone Telex, or the folded word
 * with its accented spelling. Teencode is typed without diacritics ("đ" aside: "đc"), so "ê" is an interjection, not
 * "e" (em). A pure function of the typed text, so it is memoized (citizens' words repeat).
 */
function contextFreeForms(text: string, raw: string, folded: string, rewrite = true): Forms {
  const plain = text.replace(/đ/g, 'd') === raw;
  let expansion: string | undefined;
  // "cccd" is an abbreviation before it is a stretched "cd".
  if (rewrite && plain && Object.hasOwn(REWRITES, raw)) expansion = REWRITES[raw];
  else if (rewrite && plain && Object.hasOwn(REWRITES, folded)) expansion = REWRITES[folded];
  else if (!KEEP.has(folded) && !isSyllable(folded)) expansion = undoTelex(folded) ?? undefined;
  if (expansion !== undefined) return expansion.split(' ').map((form) => ({ form }));
  return [text !== folded ? { form: folded, typed: toneKey(text) } : { form: folded }];
}
const FORMS = new Memo<Forms>(8192);

/** Rewrites that look at the neighbouring tokens; every other word normalizes the same wherever it stands. */
function contextualExpansion(token: Token, folded: string, i: number, tokens: readonly Token[]): string | undefined {
  const prev = tokens[i - 1];
  const next = tokens[i + 1]?.folded;
  const isLast = i === tokens.length - 1;
  if (prev?.isNumber && AFTER_NUMBER[folded] !== undefined) return AFTER_NUMBER[folded];
  if (folded === 'bn') return rewriteBn(prev?.folded, next, isLast);
  if (folded === 'hp') return rewriteHp(prev?.folded, tokens);
  if (folded === 'nc') return rewriteNc(next);
  if (folded === 'dk') return rewriteDk(prev?.folded, next);
  if (folded === 'hong') return rewriteHong(token, next, isLast);
  return undefined;
}

const NUMBER_FORMS: Forms = [{ form: '#' }];
const NO_FORMS: Forms = [];
const CONDITION_FORMS: Forms = [{ form: 'dieukien' }];
const BUILD_FORMS: Forms = [{ form: 'xay' }];

/**
 * Words read by their phrase, or undefined: "cất nhà" is the South's "xây nhà" (to build a house); "điều kiện"
 * (condition) is one word, whose "kiện" is not "kiện" (to sue); "theo quy định của pháp luật", "pháp luật quy định /
 * hiện hành / về" are how formal letters speak of any subject and are dropped. Read as words, the last two made a
 * letter about land or a pension look like a request for legal aid; "muốn kiện", "tư vấn pháp luật" keep theirs.
 */
function phraseForms(tokens: readonly Token[], i: number, folded: string): Forms | undefined {
  if (folded === 'cat' && tokens[i + 1]?.folded === 'nha') return BUILD_FORMS;
  if (folded === 'dieu' && tokens[i + 1]?.folded === 'kien') return NO_FORMS;
  if (folded === 'kien' && tokens[i - 1]?.folded === 'dieu') return CONDITION_FORMS;
  const law = folded === 'phap' && tokens[i + 1]?.folded === 'luat' ? i : folded === 'luat' && tokens[i - 1]?.folded === 'phap' ? i - 1 : -1;
  if (law < 0) return undefined;
  const before = tokens[law - 1]?.folded;
  const after = tokens[law + 2]?.folded;
  const formula = before === 'cua' || before === 'theo' || before === 'dinh' || after === 'quy' || after === 'hien' || after === 've';
  return formula ? NO_FORMS : undefined;
}

/**
 * The forms of token `i` when they depend on more than its own text: a number ("#"), a word read by its phrase, a word
 * its neighbours rewrite, a capital single letter inside a sentence (a label: "phiếu A, phiếu B", not "bạn").
 * Undefined for every other token, whose forms are `formsOf(token)` wherever it stands.
 */
export function contextualForms(tokens: readonly Token[], i: number): Forms | undefined {
  const token = tokens[i]!;
  if (token.isNumber) return NUMBER_FORMS;
  const folded = unstretch(token.folded);
  const phrase = phraseForms(tokens, i, folded);
  if (phrase !== undefined) return phrase;
  const expansion = contextualExpansion(token, folded, i, tokens);
  if (expansion !== undefined) return expansion.split(' ').map((form) => ({ form }));
  if (folded.length === 1 && token.capitalised && i > 0) return contextFreeForms(token.text, token.folded, folded, false);
  return undefined;
}

/** The forms of a token that reads the same wherever it stands (memoized: citizens' words repeat). */
export function formsOf(token: Token): Forms {
  return FORMS.get(token.text, () => contextFreeForms(token.text, token.folded, unstretch(token.folded)));
}

/** Tokens → normalized words (numbers become "#"). */
export function normalizeTokens(tokens: readonly Token[]): Word[] {
  const words: Word[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const { start, end } = tokens[i]!;
    for (const { form, typed } of contextualForms(tokens, i) ?? formsOf(tokens[i]!)) {
      words.push(typed === undefined ? { form, start, end } : { form, typed, start, end });
    }
  }
  return words;
}
