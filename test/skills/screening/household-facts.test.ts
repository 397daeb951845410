import { describe, expect, it } from 'vitest';
import { readHouseholdFacts } from '../../../src/skills/screening/household-facts.js';

const read = (text: string, asked?: string) => {
  const { facts, youngWithoutCard } = readHouseholdFacts(text, asked);
  return { facts: Object.fromEntries(facts.map((f) => [f.indicator, f.deprived])), young: youngWithoutCard };
};

describe('readHouseholdFacts', () => {
  it.each([
    // The examples.
    ['2 dua nho chua co the bhyt, ca ba me cung ko co', 'health_insurance', { health_insurance: true }, true],
    ['co 1 dua 12 tuoi bo hoc roi', 'adult_education', { child_schooling: true }, false],
    // BHYT counts members from 6: younger children alone settle nothing (their card is free).
    ['be 3 tuoi chua co the bhyt', 'health_insurance', {}, true],
    ['chau 8 tuoi chua co bhyt', 'nutrition', { health_insurance: true }, false],
    ['ca nha chua lam bao hiem y te', 'employment', { health_insurance: true }, false],
    ['nha chua co bhyt', 'employment', { health_insurance: true }, false],
    ['khong, ca nha deu co the roi', 'health_insurance', { health_insurance: false }, false],
    ['Cả nhà đều có thẻ BHYT', 'employment', { health_insurance: false }, false],
    // Everyone but one: the one excepted lacks the card (a child under 6 gets it free).
    ['ca nha co the bhyt roi tru ong', 'dependants', { health_insurance: true }, false],
    ['ca nha co bhyt ngoai tru chong e', 'health_insurance', { health_insurance: true }, false],
    ['ca nha co the het tru be 3 tuoi', 'health_insurance', {}, true],
    ['ca nha co the roi, con ong thi chua', 'health_insurance', { health_insurance: true }, false],
    // Schooling: 3 to under 16 is the children's indicator, 18–30 the adults'; 16–17 is left to the question.
    ['thang 20 tuoi nghi hoc tu lop 10', 'adult_education', { adult_education: true }, false],
    ['con 17 tuoi bo hoc', 'adult_education', {}, false],
    ['dua nho khong di hoc', 'child_schooling', { child_schooling: true }, false],
    ['2 dua 5 va 14 tuoi khong di hoc, be 4 tuoi chua co bhyt', 'employment', { child_schooling: true }, true],
    ['con 12t bỏ học rồi, vợ chồng em không có thẻ bảo hiểm', 'adult_education', { child_schooling: true, health_insurance: true }, false],
    // Plain answers and unrelated words are not facts: the yes/no reader takes them.
    ['co', 'health_insurance', {}, false],
    ['ko', 'child_schooling', {}, false],
    ['co the la co', 'employment', {}, false],
    ['chong em di lam thue ko co hop dong', 'employment', {}, false],
  ])('"%s" (asked %s)', (text, asked, facts, young) => {
    expect(read(text, asked)).toEqual({ facts, young });
  });
});
