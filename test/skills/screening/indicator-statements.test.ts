import { describe, expect, it } from 'vitest';
import { householdMembers } from '../../../src/skills/screening/answers.js';
import { everyoneHas, leadingYesNo, readIndicatorStatement } from '../../../src/skills/screening/indicator-statements.js';

describe('deprivation answers that state the fact', () => {
  it.each([
    ['health_insurance', 'ko co bhyt', 'deprived'],
    ['health_insurance', 'co the bhyt roi', 'not_deprived'],
    ['health_insurance', 'co the het roi', 'not_deprived'],
    ['health_insurance', 'the het han roi', 'deprived'],
    ['health_insurance', 'ko, ai cung co the bhyt', 'not_deprived'],
    ['drinking_water', 'nuoc mua', 'not_deprived'],
    ['drinking_water', 'dung nuoc gieng khoan', 'not_deprived'],
    ['drinking_water', 'nuoc ao', 'deprived'],
    ['drinking_water', 'ko dung nuoc chua sach', 'not_deprived'],
    ['sanitation', 'nha vs tu hoai', 'not_deprived'],
    ['sanitation', 'nha vs tam thoi', 'deprived'],
    ['sanitation', 'ko co nha ve sinh', 'deprived'],
    ['housing_quality', 'nha tam', 'deprived'],
    ['housing_quality', 'nha dot nat lam', 'deprived'],
    ['housing_quality', 'ko, nha xay', 'not_deprived'],
    ['housing_area', 'ko chat dau', 'not_deprived'],
    ['housing_area', 'nha co 20 met vuong ma 5 ng o', 'deprived'],
    ['housing_area', 'nha 60m2', 'not_deprived'],
    ['telecom', 'ko co dt', 'deprived'],
    ['telecom', 'nha ko ai co dien thoai', 'deprived'],
    ['telecom', 'co dien thoai nhung ko co mang', 'not_deprived'],
    ['information_access', 'ko co tivi, ko co gi ca', 'deprived'],
    ['information_access', 'co tivi roi', 'not_deprived'],
    ['employment', 'ko ai that nghiep ca', 'not_deprived'],
    ['employment', 'chong e di lam thue ko co hop dong', 'deprived'],
    ['nutrition', 'nha ko co tre con', 'not_deprived'],
    ['nutrition', 'be nha e bi coi', 'deprived'],
    ['child_schooling', 'nha ko co tre tuoi di hoc', 'not_deprived'],
    ['child_schooling', 'chau hoc lop 5', 'not_deprived'],
    ['child_schooling', 'be di mau giao roi', 'not_deprived'],
    ['child_schooling', '2 dua nho hoc cap 1 ca', 'not_deprived'],
    ['adult_education', '2 dua deu di hoc', 'not_deprived'],
    ['household_waste', 'tu dot rac', 'deprived'],
    ['household_waste', 'ko, xa thu gom', 'not_deprived'],
    // Dependants counted against the 5 people: more than half, or not; old people who still work are not counted.
    ['dependants', 'nha co 2 ong ba gia voi 2 dua nho', 'deprived'],
    ['dependants', '3 dua con', 'deprived'],
    ['dependants', '2 vo chong, 1 dua nho, 2 ong ba van lam ruong dc', 'not_deprived'],
    ['dependants', 'co, nha nhieu tre con voi ong ba gia lam', 'deprived'],
    ['adult_education', 'con e dang la sv', 'not_deprived'],
    ['health_insurance', 'the bhyt het han roi', 'deprived'],
    ['sanitation', 'di ve sinh ngoai vuon', 'deprived'],
    ['employment', 'ca nha lam ruong', 'not_deprived'],
    // Hired by the day is without a contract unless one is said; one member deprived is the household's.
    ['employment', 'chong e lam thue', 'deprived'],
    ['employment', 'chong e phu ho, e o nha lam ruong', 'deprived'],
    ['employment', 'chong lam thue co hop dong', 'not_deprived'],
    ['employment', 'vo e o nha noi tro, chong chay xe om', 'not_deprived'],
    ['child_schooling', 'dua lon di hoc, dua nho bo hoc', 'deprived'],
    ['child_schooling', 'chau 5 va 17 tuoi nghi hoc', 'deprived'],
    ['employment', 'chong e di xuat khau lao dong', 'not_deprived'],
    ['drinking_water', 'nuoc bi nhiem phen', 'deprived'],
    // The roof and walls by their material.
    ['housing_quality', 'nha lop ngoi cu', 'not_deprived'],
    ['housing_quality', 'nha mai ton tuong gach', 'not_deprived'],
    ['housing_quality', 'vach tre lop rom', 'deprived'],
    ['health_insurance', 'co the nhung het han roi', 'deprived'],
    ['nutrition', 'chau nha e gay lam', 'deprived'],
    // Lacking a smartphone says nothing of a basic phone or a television: asked again.
    ['telecom', 'ko co dien thoai thong minh', 'partial'],
    ['information_access', 'ko co dien thoai thong minh', 'partial'],
    ['telecom', 'co dien thoai thong minh', 'not_deprived'],
  ] as const)('%s: %j → %s', (id, text, expected) => {
    expect(readIndicatorStatement(id, text, 5)).toBe(expected);
  });

  it.each([
    ['drinking_water', 'co'],
    ['telecom', 'ko'],
    ['housing_quality', 'nha o que'],
    ['housing_quality', 'me gia ngoi xe lan'],
    ['housing_quality', 'dt cuc gach thoi'],
    ['adult_education', 'chau hoc lop 5'],
    ['unknown_indicator', 'nuoc mua'],
    // An age told outside the question's: a 17-year-old is no child of the schooling question (3 to under 16).
    ['child_schooling', 'chau lon 17 tuoi nghi hoc roi'],
  ])('%s: %j states nothing', (id, text) => {
    expect(readIndicatorStatement(id, text, 5)).toBeNull();
  });

  it.each([
    ['drinking_water', 'nuoc may nhung hay dung nuoc ao'],
    ['housing_quality', 'nha cap 4 cu dot'],
    ['drinking_water', 'nuoc gieng nhung bi nhiem phen'],
  ])('%s: %j says both: not a guess', (id, text) => {
    expect(readIndicatorStatement(id, text, 5)).toBe('mixed');
  });

  it('a yes or no of its own before the fact', () => {
    expect(leadingYesNo('co, nha xay kien co')).toBe('yes');
    expect(leadingYesNo('ko. nha xay')).toBe('no');
    // "có thẻ hết rồi": the "có" belongs to the fact.
    expect(leadingYesNo('co the het roi')).toBeNull();
  });
});

describe('"có hết" to a question that asks whether anyone lacks something', () => {
  it('is everyone has it, for that question only', () => {
    expect(everyoneHas('health_insurance', 'co het')).toBe(true);
    expect(everyoneHas('health_insurance', 'ca nha co het the roi')).toBe(true);
    expect(everyoneHas('health_insurance', 'ai cung co')).toBe(true);
    expect(everyoneHas('health_insurance', 'co')).toBe(false);
    expect(everyoneHas('housing_quality', 'co het')).toBe(false);
  });
});

describe('a household told by its members', () => {
  it.each([
    ['2 vo chong va 3 dua con', 5],
    ['nha co ong ba, 2 vo chong voi 1 dua con', 5],
    ['nha co ong ba, 2 vo chong chua co con', 4],
    ['vk ck e va 2 chau', 4],
    ['2 vo chong', 2],
    // The one answering lives there too; "vợ chồng em" is already counted.
    ['e song voi me gia va 1 dua con dang la sv', 3],
    ['toi va 3 dua con', 4],
    ['e voi chong va 2 con', 4],
    ['vo chong e voi 2 dua nho', 4],
    // A member said again is the same one.
    ['vo chong e voi 2 dua nho o xa, chong phu ho 200k 1 ngay', 4],
    // "cán bộ", the officer addressed, is no "bố".
    ['Chào cán bộ, vợ chồng tôi đều bị khuyết tật, hai con còn nhỏ', 4],
  ])('%j → %d people', (text, total) => {
    expect(householdMembers(text)).toMatchObject({ total });
  });

  it('children alone do not tell the household: asked again', () => {
    expect(householdMembers('nha co 3 dua con')).toEqual({ childrenOnly: 3 });
    expect(householdMembers('nha e 4 ng')).toBeNull();
    expect(householdMembers('ong')).toBeNull();
  });
});
