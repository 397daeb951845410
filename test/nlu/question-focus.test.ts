import { describe, expect, it } from 'vitest';
import { questionsOf, sentencesOf } from '../../src/nlu/question-focus.js';

const texts = (message: string) => sentencesOf(message).map((s) => s.text);

describe('question focus', () => {
  it('drops the greeting and whom it greets, up to the comma', () => {
    expect(texts('Xin chào ban tư vấn Thư viện Pháp luật, tôi muốn hỏi bố tôi bị khuyết tật nặng.')).toEqual(['bố tôi bị khuyết tật nặng']);
    expect(texts('Kính gửi Báo Lao Động, nhà tôi có 5 người.')).toEqual(['nhà tôi có 5 người']);
    expect(texts('Chào chị Lan cán bộ xã, nhà em muốn vay vốn')).toEqual(['nhà em muốn vay vốn']);
  });

  it('keeps content after a greeting that ends at its own comma or greets no one', () => {
    expect(texts('Thưa luật sư, cho tôi hỏi hộ nghèo, cận nghèo được gì')).toEqual(['hộ nghèo, cận nghèo được gì']);
    expect(texts('chao ad cho e hoi ho ngheo, can ngheo dc j')).toEqual(['cho e hoi ho ngheo, can ngheo dc j']);
    expect(texts('Xin hỏi hộ nghèo, cận nghèo có được vay không')).toEqual(['hộ nghèo, cận nghèo có được vay không']);
  });
});

describe('sentence ends', () => {
  it('does not end a sentence at an initial or a place abbreviation', () => {
    expect(texts('Tôi là Nguyễn Thị L. 25 tuổi, tôi bị khuyết tật. Tôi có được trợ cấp không?')).toEqual([
      'Tôi là Nguyễn Thị L. 25 tuổi, tôi bị khuyết tật',
      'Tôi có được trợ cấp không',
    ]);
    expect(texts('Con tôi học ở TP. Hồ Chí Minh. Cháu có được BHYT không?')).toEqual(['Con tôi học ở TP. Hồ Chí Minh', 'Cháu có được BHYT không']);
    expect(texts('Hộ nghèo vay được bao nhiêu. Lãi suất là bao nhiêu?')).toEqual(['Hộ nghèo vay được bao nhiêu', 'Lãi suất là bao nhiêu']);
  });
});


describe('question or story', () => {
  it('tells the question sentence from the story around it', () => {
    const sentences = sentencesOf('Thưa luật sư, nhà tôi có 5 người. Hộ tôi có được vay vốn không? Xin cảm ơn.');
    expect(sentences).toEqual([
      { text: 'nhà tôi có 5 người', role: 'context' },
      { text: 'Hộ tôi có được vay vốn không', role: 'question' },
    ]);
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

describe('two questions in one sentence', () => {
  it('splits at "và" or a single comma when each side asks something of its own', () => {
    expect(texts('hộ nghèo vay được bao nhiêu và bhyt có được miễn phí không')).toEqual(['hộ nghèo vay được bao nhiêu', 'bhyt có được miễn phí không']);
    expect(texts('ho ngheo vay dc bn, lai bn 1 thang')).toEqual(['ho ngheo vay dc bn', 'lai bn 1 thang']);
  });

  it('keeps one question whose case is a list, or whose other side asks nothing', () => {
    expect(texts('hộ nghèo và cận nghèo có được vay không')).toEqual(['hộ nghèo và cận nghèo có được vay không']);
    expect(texts('nhà tôi 5 người, có được vay vốn không')).toEqual(['nhà tôi 5 người, có được vay vốn không']);
    expect(texts('hộ nghèo, cận nghèo, mới thoát nghèo vay được bao nhiêu')).toEqual(['hộ nghèo, cận nghèo, mới thoát nghèo vay được bao nhiêu']);
  });
});
