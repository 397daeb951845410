import { describe, expect, it } from 'vitest';
import { questionsOf, sentencesOf } from '../../src/nlu/question-focus.js';

const roles = (text: string) => sentencesOf(text).map((s) => s.role);

describe('question focus', () => {
  it('tells the question sentence from the story around it', () => {
    const sentences = sentencesOf('Thưa luật sư, nhà tôi có 5 người. Hộ tôi có được vay vốn không? Xin cảm ơn.');
    expect(sentences).toEqual([
      { text: 'nhà tôi có 5 người', role: 'context' },
      { text: 'Hộ tôi có được vay vốn không', role: 'question' },
    ]);
  });

  it('reads "hỏi" as asking, but not the "hội" of "xã hội" nor the "hồi" of "phản hồi"', () => {
    expect(roles('Tôi là người khuyết tật đang hưởng trợ cấp xã hội hằng tháng.')).toEqual(['context']);
    expect(roles('Me toi huong tro cap xa hoi o que.')).toEqual(['context']);
    expect(roles('Mong sớm nhận phản hồi.')).toEqual(['context']);
    expect(roles('Tôi hỏi về trợ cấp xã hội.')).toEqual(['question']);
    expect(roles('toi hoi ve tro cap xa hoi.')).toEqual(['question']);
  });

  it('keeps numbers and addresses with full stops whole', () => {
    expect(sentencesOf('Thu nhập khoảng 1.500.000 đồng/tháng. Có được xét hộ nghèo không?').map((s) => s.text)).toEqual([
      'Thu nhập khoảng 1.500.000 đồng/tháng',
      'Có được xét hộ nghèo không',
    ]);
  });

  it('takes every sentence as the question when none asks', () => {
    expect(questionsOf(sentencesOf('Vay vốn hộ nghèo. Lãi suất.'))).toHaveLength(2);
  });
});
