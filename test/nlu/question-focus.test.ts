import { describe, expect, it } from 'vitest';
import { questionsOf, refersBack, sentencesOf } from '../../src/nlu/question-focus.js';

const texts = (message: string) => sentencesOf(message).map((s) => s.text);

describe('question focus', () => {
  it('drops the greeting and whom it greets, up to the comma', () => {
    expect(texts('Xin chào ban tư vấn Thư viện Pháp luật, tôi muốn hỏi bố tôi bị khuyết tật nặng.')).toEqual(['bố tôi bị khuyết tật nặng']);
    expect(texts('Kính gửi Báo Lao Động, nhà tôi có 5 người.')).toEqual(['nhà tôi có 5 người']);
    expect(texts('Chào chị Lan cán bộ xã, nhà em muốn vay vốn')).toEqual(['nhà em muốn vay vốn']);
  });

  it('keeps content after a greeting that ends at its own comma or greets no one', () => {
    expect(texts('Thưa luật sư, cho tôi hỏi hộ nghèo, cận nghèo được gì')).toEqual(['hộ nghèo, cận nghèo được gì']);
    expect(texts('chao ad cho e hoi ho ngheo, can ngheo dc j')).toEqual(['ho ngheo, can ngheo dc j']);
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

describe('requests, askers and signatures', () => {
  it('drops a request to whoever answers, built of its parts', () => {
    expect(texts('Xin luật sư cho biết, hộ cận nghèo có được vay vốn không?')).toEqual(['hộ cận nghèo có được vay vốn không']);
    expect(texts('Đề nghị tòa soạn cho biết thủ tục xin trợ cấp')).toEqual(['thủ tục xin trợ cấp']);
    expect(texts('Tổng đài cho em hỏi. Em làm công nhân ở Thủy Nguyên')).toEqual(['Em làm công nhân ở Thủy Nguyên']);
    expect(texts('vay ad cho e hoi ho ngheo vay dc bn')).toEqual(['ho ngheo vay dc bn']);
  });

  it('keeps "biết" that belongs to the question', () => {
    expect(texts('Tôi muốn biết hộ nghèo được gì')).toEqual(['Tôi muốn biết hộ nghèo được gì']);
  });

  it('drops the name of who asks before "hỏi"', () => {
    expect(texts('Ông Thái Văn Minh hỏi: hộ nghèo có được hỗ trợ tiền điện không?')).toEqual(['hộ nghèo có được hỗ trợ tiền điện không']);
    expect(texts('Bạn đọc Lê Hoa hỏi, con tôi có được miễn học phí không')).toEqual(['con tôi có được miễn học phí không']);
  });

  it('drops a signature of names and places, or an e-mail address', () => {
    expect(texts('Hộ nghèo có được vay vốn không? (Nguyễn Văn An, Kiến Thụy, Hải Phòng)')).toEqual(['Hộ nghèo có được vay vốn không']);
    expect(texts('Hộ nghèo có được vay vốn không? Trần Thị B (tranb***@gmail.com)')).toEqual(['Hộ nghèo có được vay vốn không']);
    expect(texts('Nhà tôi ở xã Tiên Lãng, có 4 người. Có được vay không?')).toEqual(['Nhà tôi ở xã Tiên Lãng, có 4 người', 'Có được vay không']);
    expect(texts('NHA TOI CO 5 NGUOI, BO ME GIA YEU. CO DUOC VAY VON KHONG?')).toEqual(['NHA TOI CO 5 NGUOI, BO ME GIA YEU', 'CO DUOC VAY VON KHONG']);
  });
});

describe('what is told, not asked', () => {
  it('does not take "không còn gì cả" or "có hỏi trưởng thôn" for a question', () => {
    expect(sentencesOf('Nhà bị lũ cuốn không còn gì cả.')[0]!.role).toBe('context');
    expect(sentencesOf('Tôi có hỏi trưởng thôn nhưng chưa được trả lời.')[0]!.role).toBe('context');
    expect(sentencesOf('Hộ nghèo được hỗ trợ gì.')[0]!.role).toBe('question');
  });
});

describe('questions that point back at the story', () => {
  const back = (text: string) => refersBack({ text, role: 'question' });

  it('reads a bare or anaphoric question, or one about someone the story told of, as pointing back', () => {
    expect(back('Như vậy có đúng không')).toBe(true);
    expect(back('Vậy đúng không ạ')).toBe(true);
    expect(back('Trường hợp này có được hưởng trợ cấp không')).toBe(true);
    expect(back('Cháu có được miễn học phí không')).toBe(true);
    expect(back('Vậy bà tôi có được hưởng thêm không')).toBe(true);
  });

  it('does not for a question that names its own subject', () => {
    expect(back('Người cao tuổi cô đơn có được trợ giúp pháp lý miễn phí đúng không')).toBe(false);
    expect(back('Hộ cận nghèo vay được bao nhiêu')).toBe(false);
    expect(back('Người nào được hưởng trợ cấp')).toBe(false);
    expect(back('Thủ tục xin trợ cấp như thế nào')).toBe(false);
    expect(back('co duoc vay von khong')).toBe(false);
    expect(back('Đi học có được hỗ trợ tiền ăn không')).toBe(false);
    expect(back('co toi co duoc huong khong')).toBe(true);
    expect(back('chau co duoc mien hoc phi khong')).toBe(true);
  });
});
