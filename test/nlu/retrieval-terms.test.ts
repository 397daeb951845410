import { describe, expect, it } from 'vitest';
import { termsOf } from '../../src/nlu/retrieval.js';

const has = (text: string, term: string) => termsOf(text).includes(term);

describe('retrieval terms: function words', () => {
  it('drops the polite and question words', () => {
    expect(has('cho tôi hỏi hộ nghèo được gì nhé', 'hoi')).toBe(false);
    expect(has('cho toi hoi ho ngheo duoc gi nhe', 'nhe')).toBe(false);
    expect(has('cho toi hoi ho ngheo', 'toi')).toBe(false);
    expect(has('làm hồ sơ đề nghị hưởng trợ cấp', 'de nghi')).toBe(false);
  });

  it('keeps a syllable typed with the accents of a content word', () => {
    expect(has('trợ cấp xã hội hằng tháng', 'xa hoi')).toBe(true);
    expect(has('người khuyết tật nhẹ', 'tat nhe')).toBe(true);
    expect(has('vay tối đa bao nhiêu', 'toi da')).toBe(true);
  });

  it('keeps it without accents inside a known pair', () => {
    expect(has('tro cap xa hoi hang thang', 'xa hoi')).toBe(true);
    expect(has('con bi khuyet tat nhe', 'tat nhe')).toBe(true);
    expect(has('tre em duoi 6 tuoi', 'tre em')).toBe(true);
    expect(has('lam nha ve sinh', 've sinh')).toBe(true);
  });

  it('leaves a pair that is as often the function word to the function word', () => {
    expect(has('toi da nop ho so roi', 'toi da')).toBe(false);
    expect(has('khong du tien de an', 'de an')).toBe(false);
  });

  it('reads "vậy", "thế" as function words, "vay", "thẻ" as content', () => {
    expect(has('Như vậy có đúng không', 'vay')).toBe(false);
    expect(has('nhu vay co dung khong', 'vay')).toBe(false);
    expect(has('thủ tục như thế nào', 'the')).toBe(false);
    expect(has('vay vốn hộ nghèo', 'vay')).toBe(true);
    expect(has('thẻ bảo hiểm y tế', 'the')).toBe(true);
  });
});
