import { describe, expect, it } from 'vitest';
import { areaClause, areaMentioned, asksTheLine, asksWhy, incomeBasis, livesAlone, readAreaWord, wantsToSkip, wantsToStop } from '../../../src/skills/screening/answers.js';
import { readYesNo } from '../../../src/text/answer-words.js';

describe('reading yes/no answers', () => {
  it.each([
    ['có', 'yes'],
    ['Có ạ', 'yes'],
    ['co', 'yes'],
    ['dạ có', 'yes'],
    ['vâng', 'yes'],
    ['đúng rồi', 'yes'],
    ['có, thằng út chưa có thẻ', 'yes'],
    ['không', 'no'],
    ['khong a', 'no'],
    ['ko', 'no'],
    ['k', 'no'],
    ['hok', 'no'],
    ['dạ không ạ', 'no'],
    ['không, cả nhà đều có thẻ', 'no'],
    ['không có', 'no'],
    ['không biết', 'unsure'],
    ['ko ro', 'unsure'],
    ['chắc là', 'unsure'],
    ['nhà tôi ở xa', null],
    ['', null],
    ['y tế', null],
  ] as const)('%j → %s', (text, expected) => {
    expect(readYesNo(text)).toBe(expected);
  });
});

describe('reading xã / phường', () => {
  it.each([
    ['xã', 'rural'],
    ['xa', 'rural'],
    ['ở xã', 'rural'],
    ['nông thôn', 'rural'],
    ['Phường', 'urban'],
    ['thanh thi', 'urban'],
    ['đô thị ạ', 'urban'],
    ['đặc khu Cát Hải', 'special_zone'],
    ['thị xã', null],
    ['xa lắm', null],
  ] as const)('%j → %s', (text, expected) => {
    expect(readAreaWord(text)).toBe(expected);
  });

  it('a household of one', () => {
    expect(livesAlone('tôi sống một mình')).toBe(true);
    expect(livesAlone('1 minh')).toBe(true);
    expect(livesAlone('4 người')).toBe(false);
  });
});

describe('how an amount is meant', () => {
  it.each([
    ['6 triệu', { perPerson: false, perYear: false, none: false, amountText: '6 triệu' }],
    ['1tr5 mỗi người', { perPerson: true, perYear: false }],
    ['2tr/người', { perPerson: true, perYear: false }],
    ['bình quân 1tr2', { perPerson: true }],
    ['240 triệu một năm', { perYear: true, amountText: '240 triệu' }],
    ['60tr/nam', { perYear: true, amountText: '60tr' }],
    ['nam trieu', { perYear: false, amountText: 'nam trieu' }],
    ['không có thu nhập', { none: true }],
    ['0', { none: true }],
    ['moi ng tam 1tr2 1 thang', { perPerson: true, perYear: false }],
    // A range of millions is taken at its middle; "8 trăm" alone is hundreds of thousands.
    ['1 thang tam 4 5 trieu', { amountText: 'tam 4,5 trieu' }],
    ['tu 4 den 6 trieu', { amountText: 'tu 5 trieu' }],
    ['thang dc 8 tram', { amountText: 'thang dc 800 nghìn' }],
    ['3 trieu 6 tram', { amountText: '3 trieu 6 tram' }],
  ] as const)('%j', (text, expected) => {
    expect(incomeBasis(text)).toMatchObject(expected);
  });
});

describe('reading xã / phường after who lives there', () => {
  it.each([
    ['nha e o xa a', 'rural'],
    ['nhà em ở phường', 'urban'],
    ['gia dinh toi song o xa', 'rural'],
    ['ca nha o nong thon', 'rural'],
    ['nha e o xa lam', null],
  ] as const)('%j → %s', (text, expected) => {
    expect(readAreaWord(text)).toBe(expected);
  });

  it('in a longer message', () => {
    expect(areaMentioned('nha e 5 ng o xa, thang dc 6tr, co dc ho ngheo ko')).toBe('rural');
    expect(areaMentioned('nha 4 nguoi o phuong')).toBe('urban');
    // "nhà" after the comma is the next clause, not "ở xa nhà" (far from home).
    expect(areaMentioned('e o xa, nha 5 ng, chong lam dc 5tr')).toBe('rural');
    expect(areaMentioned('con e di lam o xa lam')).toBeNull();
  });

  it('reads a clause that is the kind of area alone ("ở quê, tầm 4tr")', () => {
    expect(areaClause('ở quê, tầm 4tr')).toBe('rural');
    expect(areaClause('tam 4tr, nong thon')).toBe('rural');
    expect(areaClause('5 ng. phuong')).toBe('urban');
    expect(areaClause('con e di lam o xa lam, tam 4tr')).toBeNull();
    expect(areaClause('đặc khu, tầm 4tr')).toBeNull();
  });
});

describe('a wish to stop or to skip the question, in villagers\' words', () => {
  it.each(['thoi ko lam nua', 'e ko muon lam nua', 'thoi e ko lam nua dau', 'ko lam tiep nua', 'dung lai'])('"%s" stops', (text) => {
    expect(wantsToStop(text)).toBe(true);
  });
  it.each(['bo qua', 'qua cau khac', 'ko muon tra loi', 'bo qua cau nay di'])('"%s" skips', (text) => {
    expect(wantsToSkip(text)).toBe(true);
  });
  it.each(['ko', 'ko co', 'ko lam dc', 'thoi', 'ko tra loi dc'])('"%s" neither stops nor skips', (text) => {
    expect(wantsToStop(text) || wantsToSkip(text)).toBe(false);
  });
});

describe('a question about the question, asked mid-way', () => {
  it.each(['bn thi dc ho ngheo', 'the thi bao nhieu la ngheo', 'chuan ngheo la bao nhieu', 'thu nhap bao nhieu thi la ho can ngheo'])(
    '"%s" asks what the line is',
    (text) => expect(asksTheLine(text)).toBe(true),
  );
  it.each(['nha ngheo co dc bao nhieu tien', 'ma ho ngheo dc vay von bao nhieu vay?', 'nha e ngheo lam', 'bao nhieu'])('"%s" does not', (text) =>
    expect(asksTheLine(text)).toBe(false),
  );
  it.each(['sao phai hoi cai nay', 'hoi lam gi', 'cau nay de lam gi', 'tai sao lai hoi cai nay vay'])('"%s" asks why', (text) =>
    expect(asksWhy(text)).toBe(true),
  );
  it.each(['sao', 'ko', 'ko biet'])('"%s" does not', (text) => expect(asksWhy(text)).toBe(false));
});
