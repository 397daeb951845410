import { describe, expect, it } from 'vitest';
import { readFacts } from '../../src/nlu/facts.js';

describe('facts from the message', () => {
  it('asks about the category when any mention is asked about, not only the first', () => {
    const read = readFacts('Nghe nói hộ nghèo được hỗ trợ nhiều, lương em 3 triệu một tháng, vậy nhà em có được xét hộ nghèo không?');
    expect(read.asksCategory).toBe(true);
    expect(read.facts.category).toBeUndefined();
    expect(read.facts.monthlyIncome).toBe(3_000_000);
  });

  it('reads an income said per person ("mỗi ng dc 1tr2")', () => {
    expect(readFacts('nha 3 ng, moi ng dc 1tr2, o xa').facts).toMatchObject({ householdSize: 3, monthlyIncome: 3_600_000 });
    // A support or a cost said per person is no income.
    expect(readFacts('moi nguoi duoc ho tro 500k a').facts.incomePerPerson).toBeUndefined();
    expect(readFacts('mua bhyt moi nguoi 1tr2 a').facts.incomePerPerson).toBeUndefined();
  });

  it('adds up the income of several earners, unless one amount is said to be the total', () => {
    expect(readFacts('nha e 4 ng, chong lam dc 5tr, e lam dc 2tr, co phai ho ngheo ko').facts.monthlyIncome).toBe(7_000_000);
    expect(readFacts('chồng lương 5tr, em bán được 2tr, tổng thu nhập 7tr').facts.monthlyIncome).toBe(7_000_000);
    // A loan beside the income is no income.
    expect(readFacts('thu nhập 6tr, muốn vay 50tr').facts.monthlyIncome).toBe(6_000_000);
  });

  it('hears "được xếp vào / xếp là hộ nghèo" as a question about the category', () => {
    const read = readFacts('hai vợ chồng tôi đều khuyết tật nặng, có được xếp là hộ nghèo không');
    expect(read.asksCategory).toBe(true);
    expect(read.facts.category).toBeUndefined();
    expect(read.namedCategory).toBe('poor');
  });

  it('reads a stated category as a fact of the asker', () => {
    const read = readFacts('nhà tôi là hộ cận nghèo, vay vốn lãi bao nhiêu');
    expect(read).toMatchObject({ asksCategory: false, ownCategory: true, facts: { category: 'near_poor' } });
  });

  it('reads a loan amount to work its interest out only when the message asks what it costs or how it is repaid', () => {
    expect(readFacts('vay 50tr thi moi thang tra lai bn').loanAmount).toBe(50_000_000);
    expect(readFacts('vay 30 triệu, trả góp mỗi tháng bao nhiêu').loanAmount).toBe(30_000_000);
    // An amount told as background, and "lại" (again) is not "lãi" (interest).
    expect(readFacts('Trước đây sinh viên được vay 1,5 triệu đồng/tháng, nay được vay bao nhiêu?').loanAmount).toBeUndefined();
    expect(readFacts('năm ngoái vay 20 triệu, nay muốn vay lại được không').loanAmount).toBeUndefined();
  });
});

describe('amounts no word names', () => {
  it('are told apart from an income, a loan, a support or a cost, and read as none of them', () => {
    for (const text of ['tầm 4tr', 'khoảng 4 triệu', 'tầm 4tr/tháng', 'dc tam 4tr thoi', 'nhà 4 người 4tr có phải hộ nghèo ko']) {
      expect(readFacts(text).unnamedAmounts, text).toBe(true);
      expect(readFacts(text).facts.monthlyIncome, text).toBeUndefined();
    }
    for (const text of ['thu nhập tầm 4tr', 'tháng được 4tr', 'vay 50tr', 'hỗ trợ 500k', 'chi tiêu hết 5tr', '5 người', '22 ngày', '6']) {
      expect(readFacts(text).unnamedAmounts, text).toBe(false);
    }
  });

  it('a cost said after the income is not added to it', () => {
    expect(readFacts('thu nhap 5tr, chi tieu het 3tr').facts.monthlyIncome).toBe(5_000_000);
  });
});

describe('household size told by its members', () => {
  it('counts a couple or the asker with their children', () => {
    expect(readFacts('vợ chồng em nuôi 2 con nhỏ, thu nhập 4tr').facts.householdSize).toBe(4);
    expect(readFacts('gia đình gồm tôi và 3 đứa con, lương tôi 3 triệu').facts.householdSize).toBe(4);
    expect(readFacts('2 vo chong va 3 dua con thu nhap 5tr').facts.householdSize).toBe(5);
  });

  it('says nothing when the members are not plain', () => {
    expect(readFacts('toi co 2 con').facts.householdSize).toBeUndefined();
    expect(readFacts('con toi 3 tuoi').facts.householdSize).toBeUndefined();
    expect(readFacts('nha e 4 nguoi, vo chong va 2 con').facts.householdSize).toBe(4);
    // Groups told one after another add up; a total followed by some of its members does not.
    expect(readFacts('Nhà có 1 người lớn tuổi và 5 người con. Trong đó 3 người đã có gia đình').facts.householdSize).toBe(6);
    expect(readFacts('nha co 2 nguoi gia va 3 nguoi dang di hoc, thu nhap 6tr').facts.householdSize).toBe(5);
    expect(readFacts('nha 5 nguoi, 2 nguoi di lam').facts.householdSize).toBe(5);
    expect(readFacts('nhà 4 người gồm 2 người lớn và 2 người nhỏ').facts.householdSize).toBe(4);
  });
});

describe('a category told, not asked', () => {
  it('reads "đã được xét hộ nghèo" as a statement', () => {
    expect(readFacts('Gia đình tôi đã được xét hộ nghèo, chồng tôi mất, tôi nuôi 1 đứa con, vậy tôi có được trợ cấp không').asksCategory).toBe(false);
  });

  it('reads "nếu được xét hộ nghèo thì…" as a condition, not a question about the household', () => {
    expect(readFacts('nếu được xét hộ nghèo thì có được bhyt miễn phí không').asksCategory).toBe(false);
  });
});

describe('a category asked', () => {
  it('asks even when two categories are named, and after "được xét là"', () => {
    const both = readFacts('hoàn cảnh như vậy thì nhà tôi có được xếp là hộ nghèo hoặc cận nghèo không');
    expect(both).toMatchObject({ asksCategory: true, facts: {} });
    expect(both.namedCategory).toBeUndefined();
    expect(readFacts('vậy tôi có được xét là hộ nghèo không').asksCategory).toBe(true);
  });
});
