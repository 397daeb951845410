import { describe, expect, it } from 'vitest';
import { householdAmount, incomeBasis, incomeParts, monthlyIncome } from '../../../src/nlu/entities/income.js';
import { extractCount, findCounts, findMoney } from '../../../src/nlu/entities/index.js';

const firstAmount = (text: string) => findMoney(text.normalize('NFC'))[0]?.value;

describe('money', () => {
  it.each([
    ['5 triệu', 5_000_000],
    ['5tr', 5_000_000],
    ['2tr5', 2_500_000],
    ['3 triệu rưỡi', 3_500_000],
    ['3 trieu ruoi', 3_500_000],
    ['1,2 triệu', 1_200_000],
    ['1.5tr', 1_500_000],
    ['800k', 800_000],
    ['800 nghìn', 800_000],
    ['800 ngàn', 800_000],
    ['800 nghin', 800_000],
    ['4.500.000đ', 4_500_000],
    ['4.500.000 đồng', 4_500_000],
    ['4500000', 4_500_000],
    ['một triệu hai', 1_200_000],
    ['mot trieu hai', 1_200_000],
    ['năm triệu', 5_000_000],
    ['nam trieu', 5_000_000],
    ['hai mươi lăm triệu', 25_000_000],
    ['hai muoi lam trieu', 25_000_000],
    ['một trăm hai mươi nghìn', 120_000],
    ['ba trăm rưỡi nghìn', 350_000],
    ['chín trăm nghìn', 900_000],
    ['hai triệu tư', 2_400_000],
    ['5 củ', 5_000_000],
    ['5 cu', 5_000_000],
    ['5 trieu 2', 5_200_000],
    ['1tr2', 1_200_000],
    ['1tr250', 1_250_000],
    ['1 triệu 200 nghìn', 1_200_000],
    ['1 triệu 2 trăm', 1_200_000],
    ['2 tỷ', 2_000_000_000],
    ['thu nhập 3,5tr/tháng', 3_500_000],
  ])('%s → %d đồng', (text, value) => {
    expect(firstAmount(text)).toBe(value);
  });

  it('is not fooled by years, phone numbers, counts or words that are also numbers', () => {
    expect(firstAmount('năm 2024')).toBeUndefined();
    expect(firstAmount('sdt 0912345678')).toBeUndefined();
    expect(firstAmount('nhà 4 người')).toBeUndefined();
    expect(firstAmount('4')).toBeUndefined();
    expect(firstAmount('ba tôi ốm')).toBeUndefined();
    expect(firstAmount('cái áo cũ')).toBeUndefined();
  });

  it('gives each amount with its place in the text', () => {
    const text = 'vợ làm được 2tr5, chồng 3 triệu rưỡi một tháng';
    expect(findMoney(text).map((e) => [e.value, e.text, text.slice(e.start, e.end)])).toEqual([
      [2_500_000, '2tr5', '2tr5'],
      [3_500_000, '3 triệu rưỡi', '3 triệu rưỡi'],
    ]);
  });

  it('ends an amount before what a following number counts', () => {
    expect(findMoney('lương 2tr 1 tháng').map((e) => e.value)).toEqual([2_000_000]);
    expect(findMoney('được 3 triệu 2 năm nay').map((e) => e.value)).toEqual([3_000_000]);
  });

  it('ends an amount at punctuation ("30tr, lam thue" is not 30.5 million: "lam" is also "lăm")', () => {
    expect(findMoney('ban lon dc 30tr, lam thue them 2tr').map((e) => e.value)).toEqual([30_000_000, 2_000_000]);
  });

  it('leaves a following household size to the count', () => {
    expect(findMoney('hai triệu hai người').map((e) => e.value)).toEqual([2_000_000]);
    expect(findCounts('hai triệu hai người').map((e) => e.value)).toEqual([2]);
  });
});

describe('count', () => {
  it.each([
    ['5 người', 5],
    ['năm khẩu', 5],
    ['nam khau', 5],
    ['nhà 4 nhân khẩu', 4],
    ['4 nguoi', 4],
    ['gia đình 3 thành viên', 3],
    ['nha co 6 mieng an', 6],
    ['mười hai người', 12],
  ])('%s → %d', (text, value) => expect(extractCount(text)).toBe(value));

  it('needs a person word unless the reply is only a number', () => {
    expect(extractCount('4')).toBeUndefined();
    expect(extractCount('4', { allowBare: true })).toBe(4);
    expect(extractCount('bốn', { allowBare: true })).toBe(4);
    expect(extractCount('nam', { allowBare: true })).toBe(5);
    expect(extractCount('nam 2024', { allowBare: true })).toBeUndefined();
    expect(extractCount('5 triệu', { allowBare: true })).toBeUndefined();
    expect(extractCount('0 người')).toBeUndefined();
  });

  it('spans the number and the person word', () => {
    const [entity] = findCounts('nhà em có 4 nhân khẩu ạ');
    expect(entity).toMatchObject({ entity: 'count', value: 4, text: '4 nhân khẩu', start: 10, end: 21 });
  });
});

describe('householdAmount', () => {
  const amount = (text: string) => householdAmount(incomeBasis(text).amountText);
  it.each([
    ['thu nhập 6 triệu', 6_000_000],
    ['chong lam phu ho dc 5tr, e ban rau dc 1tr', 6_000_000],
    ['chồng 4tr5, vợ 2 triệu, bà nội lương hưu 1tr', 7_500_000],
    ['chong 5tr, e 1tr, tong cong 6tr', 6_000_000],
    ['tầm 4 5 triệu', 4_500_000],
    ['mỗi tháng 5tr', 5_000_000],
    // A range with the unit on both ends is one amount, at its middle, not two earners' added up.
    ['luc dc luc ko, tam 1tr5 den 2tr', 1_750_000],
    ['từ 3 triệu đến 4 triệu rưỡi', 3_750_000],
  ])('%s → %d đồng', (text, value) => {
    expect(amount(text)).toBe(value);
  });
});

describe('incomeParts and monthlyIncome: each amount by its own period', () => {
  it.each([
    ['ban lua dc 20tr 1 nam', { monthly: 1_666_667, daily: 0 }],
    ['1 nam ban lon dc 30tr, lam thue them tam 2tr 1 thang', { monthly: 4_500_000, daily: 0 }],
    ['chong 5tr, e ban rau 1tr 1 thang', { monthly: 6_000_000, daily: 0 }],
    ['chong lam phu ho 200k 1 ngay', { monthly: 0, daily: 200_000 }],
    ['chong di phu ho dc 250k 1 ngay, e ban rau dc 1tr 1 thang', { monthly: 1_000_000, daily: 250_000 }],
    ['moi ng tam 1tr2 1 thang', { monthly: 4_800_000, daily: 0 }],
    ['chong 5tr, e 1tr, tong cong 6tr', { monthly: 6_000_000, daily: 0 }],
    ['tam 1tr5 den 2tr 1 thang', { monthly: 1_750_000, daily: 0 }],
    // "ngày 200k": by the day; "ngày 15" is a date.
    ['chong lam thue ngay 200k', { monthly: 0, daily: 200_000 }],
    ['ngay 15 dc 2tr', { monthly: 2_000_000, daily: 0 }],
  ])('%s (4 people)', (text, expected) => {
    expect(monthlyIncome(incomeParts(text), 4)).toEqual(expected);
  });

  it.each(['ko co thu nhap gi', 'chua co dong nao ca', 'ko kiem dc gi', 'khong co tien'])('"%s" is no income', (text) => {
    expect(incomeBasis(text).none).toBe(true);
  });
});
