import { describe, expect, it } from 'vitest';
import { loadTrainingData } from '../../src/content/training-data.js';
import { normalizeTokens } from '../../src/nlu/lexicon.js';
import { fold, toneKey } from '../../src/text/fold.js';
import { isSyllable, undoTelex } from '../../src/text/telex.js';
import { tokenize, tokenizeAscii, tokenizeUnicode } from '../../src/text/tokenize.js';

const words = (text: string) =>
  normalizeTokens(tokenize(text.normalize('NFC')))
    .map((w) => w.form)
    .join(' ');

describe('folding', () => {
  it.each([
    ['Hộ Nghèo', 'ho ngheo'],
    ['ĐƯỢC KHÔNG', 'duoc khong'],
    ['đăng ký', 'dang ky'],
    // NFD input (some phone keyboards) folds the same as NFC.
    ['ho\u0302\u0323 nghe\u0300o', 'ho ngheo'],
    ['BHYT, hộ cận-nghèo?', 'bhyt ho can ngheo'],
  ])('%s → %s', (input, expected) => expect(fold(input)).toBe(expected));

  it('gives old and new tone placement one spelling, and keeps tones apart', () => {
    expect(toneKey('hoà')).toBe(toneKey('hòa'));
    expect(toneKey('uý')).toBe(toneKey('úy'));
    expect(new Set(['hoa', 'hòa', 'hóa', 'họa'].map(toneKey)).size).toBe(4);
    expect(toneKey('đường')).toBe('đương2');
  });
});

describe('tokens', () => {
  it('reads plain ASCII text exactly as the Unicode-aware expression does', async () => {
    const training = (await loadTrainingData('intents')).map((u) => u.text);
    const edges = ['4.500.000d, 2tr5', 'luong 5. con 1,2tr', 'A B c', '  x--y__z 12.a 3,', '', '...', 'ABC123def', '1.2.3.4,5'];
    const ascii = [...training, ...edges].filter((t) => /^[\x00-\x7f]*$/.test(t));
    expect(ascii.length).toBeGreaterThan(1000);
    for (const text of ascii) expect(tokenizeAscii(text), text).toEqual(tokenizeUnicode(text));
  });

  it('keeps offsets into the text, number separators, and splits letters from digits', () => {
    const tokens = tokenize('Lương 4.500.000đ, 2tr5');
    expect(tokens.map((t) => [t.text, t.start, t.end, t.glued])).toEqual([
      ['lương', 0, 5, false],
      ['4.500.000', 6, 15, false],
      ['đ', 15, 16, true],
      ['2', 18, 19, false],
      ['tr', 19, 21, true],
      ['5', 21, 22, true],
    ]);
    expect(tokens[0]!.folded).toBe('luong');
  });
});

describe('Telex residue', () => {
  it.each([
    ['hooj', 'ho'],
    ['ngheof', 'ngheo'],
    ['dduwowcj', 'duoc'],
    ['camr', 'cam'],
    ['onw', 'on'],
    ['chaof', 'chao'],
    ['voons', 'von'],
    ['tieenf', 'tien'],
    ['hojc', 'hoc'],
    ['vieejt', 'viet'],
    ['khoong', 'khong'],
    ['truwowngf', 'truong'],
  ])('%s → %s', (typed, syllable) => expect(undoTelex(typed)).toBe(syllable));

  it.each(['ngheo', 'thanks', 'bhyt', 'tks', 'xa', 'test', 'axit', 'wifi', 'web'])('leaves %s alone', (word) =>
    expect(undoTelex(word)).toBeNull(),
  );

  it('knows the shape of a syllable', () => {
    expect(isSyllable('nghieng')).toBe(true);
    expect(isSyllable('ngheof')).toBe(false);
    expect(isSyllable('bhyt')).toBe(false);
  });
});

describe('teencode and abbreviations', () => {
  it.each([
    ['ho ngheo vay dc bn', 'ho ngheo vay duoc bao nhieu'],
    ['đc ko', 'duoc khong'],
    ['co dc k', 'co duoc khong'],
    ['hok bit', 'khong biet'],
    ['lam j', 'lam gi'],
    ['lam ntn', 'lam nhu the nao'],
    ['the bhyt ho can ngheo', 'the bao hiem y te ho can ngheo'],
    ['vay nhcsxh', 'vay ngan hang chinh sach xa hoi'],
    ['di xklđ', 'di xuat khau lao dong'],
    ['sdt ubnd xa', 'so dien thoai uy ban nhan dan xa'],
    ['hooj ngheof', 'ho ngheo'],
    ['ok r, camr onw', 'ok roi cam on'],
    ['alooo', 'alo'],
    // An abbreviation with a letter three times is not a stretched word.
    ['lam cccd o dau', 'lam can cuoc cong dan o dau'],
    ['hdsd', 'huong dan su dung'],
    ['tks ad', 'cam on admin'],
  ])('%s → %s', (typed, normalized) => expect(words(typed)).toBe(normalized));

  it('reads "bn" as "bao nhiêu" or "bạn" from its neighbours', () => {
    expect(words('vay dc bn')).toBe('vay duoc bao nhieu');
    expect(words('sdt bn')).toBe('so dien thoai bao nhieu');
    expect(words('bn tuoi')).toBe('bao nhieu tuoi');
    expect(words('bn oi cho hoi')).toBe('ban oi cho hoi');
    expect(words('cam on bn')).toBe('cam on ban');
    expect(words('bn co biet khong')).toBe('ban co biet khong');
  });

  it('reads "hp" as "học phí" around school words and "Hải Phòng" after a place word', () => {
    expect(words('mien hp cho con')).toBe('mien hoc phi cho con');
    expect(words('hp dai hoc')).toBe('hoc phi dai hoc');
    expect(words('o hp co ho tro khong')).toBe('o hai phong co ho tro khong');
    expect(words('thanh pho hp')).toBe('thanh pho hai phong');
  });

  it('reads amounts: "tr", "k", "củ", "đ" after a number are units, not teencode', () => {
    expect(words('5tr')).toBe('# trieu');
    expect(words('800k')).toBe('# nghin');
    expect(words('5 cu')).toBe('# trieu');
    expect(words('500đ')).toBe('# dong');
    expect(words('9kg')).toBe('# kg');
    expect(words('k biet')).toBe('khong biet');
  });

  it('rewrites teencode only as teencode is typed', () => {
    // "ê" is an interjection, not "e" (em); a capital letter inside a sentence is a label; at the start, the phone's.
    expect(words('ê ad')).toBe('e admin');
    expect(words('phiếu A phiếu B')).toBe('phieu a phieu b');
    expect(words('K biet')).toBe('khong biet');
    expect(words('chuong trinh eps')).toBe('chuong trinh eps');
  });

  it('keeps "hỏng" (broken) apart from "hông" (not)', () => {
    expect(words('nha bi hong mai')).toBe('nha bi hong mai');
    expect(words('co duoc hong')).toBe('co duoc khong');
  });

  it('reads "dk" as "đăng ký" at the start or before what one registers for, else as "được"', () => {
    expect(words('dk nhan tin')).toBe('dang ky nhan tin');
    expect(words('co dk ko')).toBe('co duoc khong');
  });

  it('keeps what was typed with diacritics, tone placement aside', () => {
    const [first, second] = normalizeTokens(tokenize('Hoà bình'));
    expect(first).toMatchObject({ form: 'hoa', typed: toneKey('hòa') });
    expect(second).toMatchObject({ form: 'binh', typed: toneKey('bình') });
    expect(normalizeTokens(tokenize('hoa binh'))[0]!.typed).toBeUndefined();
  });
});

describe('words that read differently in their phrase', () => {
  it('keeps "điều kiện" (condition) apart from "kiện" (to sue)', () => {
    expect(words('điều kiện vay vốn là gì')).toBe('dieukien vay von la gi');
    expect(words('muốn kiện công ty')).toBe('muon kien cong ty');
  });

  it('reads the South\'s "cất nhà" as "xây nhà" (to build a house)', () => {
    expect(words('hộ nghèo không có đất thì không được cất nhà')).toBe('ho ngheo khong co dat thi khong duoc xay nha');
    expect(words('cất tiền')).toBe('cat tien');
  });

  it('drops the formal letter\'s "pháp luật" but keeps it where the law is what is asked for', () => {
    expect(words('theo quy định của pháp luật thì sao')).toBe('theo quy dinh cua thi sao');
    expect(words('pháp luật quy định thế nào')).toBe('quy dinh the nao');
    expect(words('nhà nghèo được tư vấn pháp luật miễn phí không')).toBe('nha ngheo duoc tu van phap luat mien phi khong');
  });
});
