import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../src/engine/answer-reader.js';
import type { Answer, AnswerKind, QuickReply } from '../../src/engine/types.js';
import { isQuestion } from '../../src/nlu/question-focus.js';
import type { Entity, ParseResult } from '../../src/nlu/types.js';

const DELETE: QuickReply[] = [
  { title: 'Xóa hết', payload: 'privacy:delete-confirm' },
  { title: 'Không', payload: 'privacy:delete-keep' },
];
const CONSENT: QuickReply[] = [
  { title: 'Đồng ý', payload: 'privacy:consent-yes' },
  { title: 'Không đồng ý', payload: 'privacy:consent-no' },
];
const TOPICS: QuickReply[] = [
  { title: 'Vay vốn', payload: 'answer:loans' },
  { title: 'Bảo hiểm y tế', payload: 'answer:bhyt' },
];

/** The matcher's entities are the NLU's business: a commune entity is given where the table needs one. */
const THANH_HA: Entity = { entity: 'commune', value: '10507', text: 'Thanh Hà', start: 0, end: 8 };
const nlu = (entities: Entity[] = []) => (): ParseResult => ({
  text: '',
  intent: { name: 'fallback', confidence: 0 },
  ranking: [],
  entities,
});

const read = (kind: AnswerKind, text: string, options?: QuickReply[], entities?: Entity[]): Answer | null =>
  readAnswer({ kind, owner: 'test', options }, text, nlu(entities));

describe('the shared answer reader', () => {
  it.each<[AnswerKind, string, Answer | null]>([
    ['yes_no', 'có', { kind: 'yes' }],
    ['yes_no', 'co', { kind: 'yes' }],
    ['yes_no', 'c', { kind: 'yes' }],
    ['yes_no', 'ừ', { kind: 'yes' }],
    ['yes_no', 'uh', { kind: 'yes' }],
    ['yes_no', 'ok', { kind: 'yes' }],
    ['yes_no', 'oke', { kind: 'yes' }],
    ['yes_no', 'vâng', { kind: 'yes' }],
    ['yes_no', 'dạ', { kind: 'yes' }],
    ['yes_no', 'đúng rồi', { kind: 'yes' }],
    ['yes_no', 'được', { kind: 'yes' }],
    ['yes_no', 'đồng ý', { kind: 'yes' }],
    ['yes_no', 'Có ạ', { kind: 'yes' }],
    ['yes_no', 'có, thằng út chưa có thẻ', { kind: 'yes' }],
    ['yes_no', 'không', { kind: 'no' }],
    ['yes_no', 'ko', { kind: 'no' }],
    ['yes_no', 'k', { kind: 'no' }],
    ['yes_no', 'kh', { kind: 'no' }],
    ['yes_no', 'hok', { kind: 'no' }],
    ['yes_no', 'hông', { kind: 'no' }],
    ['yes_no', 'không phải', { kind: 'no' }],
    ['yes_no', 'khỏi', { kind: 'no' }],
    ['yes_no', 'không đồng ý', { kind: 'no' }],
    ['yes_no', 'dạ không ạ', { kind: 'no' }],
    ['yes_no', 'không, cả nhà đều có thẻ', { kind: 'no' }],
    ['yes_no', 'không biết', { kind: 'unsure' }],
    ['yes_no', 'chắc là', { kind: 'unsure' }],
    ['yes_no', 'e ko bt', { kind: 'unsure' }],
    ['yes_no', 'nhà tôi ở xa', null],
    ['yes_no', 'y tế', null],
    ['count', '4 người', { kind: 'count', value: 4 }],
    ['count', 'năm', { kind: 'count', value: 5 }],
    ['count', 'nhà e có 3 khẩu', { kind: 'count', value: 3 }],
    ['count', 'đông lắm', null],
    ['money', '4tr5', { kind: 'money', value: 4_500_000 }],
    ['money', 'thu nhập 6 triệu', { kind: 'money', value: 6_000_000 }],
    ['money', '240 triệu một năm', { kind: 'money', value: 240_000_000 }],
    ['money', 'không rõ', null],
  ])('%s: %j → %j', (kind, text, expected) => {
    expect(read(kind, text)).toEqual(expected);
  });

  it.each<[AnswerKind, string, QuickReply[], Answer | null]>([
    ['confirm', 'ok xoa het di', DELETE, { kind: 'option', payload: 'privacy:delete-confirm' }],
    ['confirm', 'Xóa hết', DELETE, { kind: 'option', payload: 'privacy:delete-confirm' }],
    ['confirm', 'xoá hết dữ liệu đi', DELETE, { kind: 'option', payload: 'privacy:delete-confirm' }],
    ['confirm', 'ok', DELETE, { kind: 'yes' }],
    ['confirm', 'có', DELETE, { kind: 'yes' }],
    ['confirm', 'dạ không ạ', DELETE, { kind: 'option', payload: 'privacy:delete-keep' }],
    ['confirm', 'thôi khỏi', DELETE, { kind: 'no' }],
    // A confirmation takes a plain yes only: nothing is deleted on "yes, but…".
    ['confirm', 'có điều tôi muốn hỏi thêm', DELETE, null],
    ['confirm', 'họ đã hủy hồ sơ của tôi', DELETE, null],
    ['consent', 'ko', CONSENT, { kind: 'no' }],
    ['consent', 'uh', CONSENT, { kind: 'yes' }],
    ['consent', 'dạ đồng ý ạ', CONSENT, { kind: 'option', payload: 'privacy:consent-yes' }],
    // The longest title named wins: "không đồng ý" is not "đồng ý".
    ['consent', 'tôi không đồng ý', CONSENT, { kind: 'option', payload: 'privacy:consent-no' }],
    ['consent', 'có, nhưng chỉ lần này', CONSENT, { kind: 'yes' }],
    // A fact that opens with "có"/"không có" is no decision.
    ['consent', 'có tivi', CONSENT, null],
    ['consent', 'ko co tivi', CONSENT, null],
    ['consent', 'không, cảm ơn', CONSENT, { kind: 'no' }],
    ['option', 'vay von', TOPICS, { kind: 'option', payload: 'answer:loans' }],
    ['option', 'cho hỏi về bảo hiểm y tế', TOPICS, { kind: 'option', payload: 'answer:bhyt' }],
    // Options that answer "… không?" take a yes or no too; the skill knows which option each is.
    ['option', 'có', TOPICS, { kind: 'yes' }],
    ['option', 'bảo hiểm xã hội', TOPICS, null],
  ])('%s: %j → %j', (kind, text, options, expected) => {
    expect(read(kind, text, options)).toEqual(expected);
  });

  it('a commune is the matcher\'s commune entity, with the alternatives of a split former commune', () => {
    expect(read('commune', 'Thanh Hà', undefined, [THANH_HA])).toEqual({ kind: 'commune', ids: ['10507'], typed: 'Thanh Hà' });
    const split = { ...THANH_HA, value: '1', alternatives: ['2', '1'], text: 'Trần Hưng Đạo' };
    expect(read('commune', 'Trần Hưng Đạo', undefined, [split])).toEqual({ kind: 'commune', ids: ['1', '2'], typed: 'Trần Hưng Đạo' });
    expect(read('commune', 'xem thong bao', undefined, [])).toBeNull();
  });
});

describe('a question of its own', () => {
  it.each([
    ['hộ nghèo được vay bao nhiêu tiền?', true],
    ['ho ngheo vay duoc bao nhieu', true],
    ['con di hoc co phai dong hoc phi khong', true],
    ['không ạ', false],
    ['sao?', false],
    ['4 người', false],
    ['ok xoa het di', false],
  ])('%j → %s', (text, expected) => {
    expect(isQuestion(text)).toBe(expected);
  });
});
