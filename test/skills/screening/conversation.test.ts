import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buttons, type ChatService, startChatService, texts } from './chat.js';

let service: ChatService;
beforeAll(async () => {
  service = await startChatService();
});
afterAll(() => service.close());

/** Self-assessment results the programme dashboard counted, all weeks and communes. */
async function screeningsCounted(): Promise<number> {
  await service.app.stats.settled();
  const counters = await service.storage.stats.between('2000-W01', '2100-W01', 'all');
  return counters.filter((s) => s.measure === 'screening').reduce((sum, s) => sum + s.count, 0);
}

let n = 0;
const fresh = () => service.conversation(`screening-test-${++n}`);

describe('screening on /api/chat', () => {
  it('a full screening by typing, without diacritics, ends with a poor result, its support and next steps', async () => {
    const c = fresh();
    expect(texts(await c.say('nha toi co thuoc ho ngheo khong'))).toContain('Câu 1/15. Nhà bạn ở xã hay phường?');
    expect(texts(await c.say('xa'))).toContain('Câu 2/15');
    expect(texts(await c.say('nha 4 nguoi'))).toContain('Câu 3/15');
    expect(buttons(c.last)).toContain('5,4–6 triệu');
    expect(texts(await c.say('4tr'))).toContain('Câu 4/15 (Việc làm)');
    await c.say('khong'); // employment
    expect(texts(await c.say('co'))).toContain('Câu 6/15 (Y tế)'); // dependants: yes
    await c.say('khong a'); // nutrition
    // Health insurance: "dạ có" to "có ai chưa có thẻ…?" may mean either: asked again with a button for each reading.
    expect(buttons(await c.say('da co'))).toEqual(['Có người chưa có thẻ', 'Ai cũng có thẻ']);
    expect(texts(await c.tap('Có người chưa có thẻ'))).toContain('Câu 8/15 (Giáo dục)');
    await c.say('ko'); // adult education
    await c.say('không'); // child schooling
    const replies = await c.say('có, nhà dột lắm'); // housing quality: yes → third deprivation
    // The first bubble: category, why, the most useful support (BHYT first: the household has no cards), ≤ 900.
    const summary = replies[0]!.text;
    expect(summary.length).toBeLessThanOrEqual(900);
    expect(summary).toContain('Hộ của bạn có khả năng thuộc diện hộ nghèo.');
    expect(summary).toContain('bình quân 1.000.000 đồng/người/tháng (chuẩn nghèo: 1.500.000 đồng/người/tháng)');
    expect(summary).toContain('Dấu hiệu có thể thiếu hụt (3 chỉ số): Việc làm – người phụ thuộc trong hộ gia đình; Y tế – bảo hiểm y tế; Nhà ở – chất lượng nhà ở.');
    expect(summary).toContain('Đã đủ 3 chỉ số nên không cần hỏi thêm');
    expect(summary).toMatch(/hộ thường được:\n• Thẻ bảo hiểm y tế cho người thuộc hộ nghèo\n• Vay vốn hộ nghèo \(Ngân hàng Chính sách xã hội\)/);
    expect(texts(replies)).not.toContain('chưa được xác nhận');
    // Then the one question about keeping the answers, and the full list behind its own button.
    expect(buttons(c.last)).toEqual(['Xem tất cả quyền lợi', 'Đồng ý', 'Không đồng ý']);
    const details = c.last.at(-1)!.quickReplies![0]!.payload;
    // The consent question is answered by typing the button's words.
    expect(texts(await c.say('dong y'))).toContain('Cảm ơn bạn. Trợ lý đã lưu câu trả lời vừa rồi.');
    const kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept.map((k) => k.data.category)).toEqual(['poor']);
    // The full list still opens afterwards: every entitlement with its basis, the next steps, the disclaimer.
    const all = texts(await c.press(details));
    const parts = [
      '12. ',
      '6,24%/năm',
      'Căn cứ: Luật Bảo hiểm y tế sửa đổi bởi Luật 51/2024/QH15',
      'Mức cụ thể của hỗ trợ học nghề ngắn hạn: hãy hỏi UBND xã/phường',
      'Mẫu số 01 kèm Quyết định 24/2021/QĐ-TTg',
      'Chỉ kết quả rà soát của UBND xã/phường',
    ];
    for (const part of parts) expect(all).toContain(part);
    expect(buttons(c.last)).toEqual(['Tự đánh giá lại', 'Xem menu']);
  });

  it('a result corrected before the keep-my-answers question is answered is kept once, as corrected', async () => {
    const c = fresh();
    for (const text of ['tu danh gia ho ngheo', 'xa', 'nha 3 ng', 'thu nhap 3tr', 'co', 'ko', 'k co', 'co', 'co', 'co']) await c.say(text);
    expect(texts(c.last)).toContain('có khả năng thuộc diện hộ nghèo');
    expect(texts(await c.say('à nhầm, nhà 5 người'))).toContain('Mình đã sửa');
    expect(texts(await c.say('dong y'))).toContain('Cảm ơn bạn. Trợ lý đã lưu câu trả lời vừa rồi.');
    const kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept.map((k) => [k.data.householdSize, k.data.corrects])).toEqual([[5, 'poor']]);
  });

  it('a result corrected after "Đồng ý" replaces the kept one: one result kept, the corrected one, then the next correction', async () => {
    const c = fresh();
    for (const text of ['tu danh gia ho ngheo', 'xa', 'nha 3 ng', 'thu nhap 3tr', 'co', 'ko', 'k co', 'co', 'co', 'co']) await c.say(text);
    await c.say('dong y');
    const [first] = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(first!.data).toMatchObject({ householdSize: 3, category: 'poor' });
    expect(texts(await c.say('à nhầm, nhà 5 người'))).toContain('Mình đã sửa: hộ 5 người (trước: 3 người)');
    let kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept.map((k) => [k.id, k.data.householdSize, k.data.category, k.data.corrects])).toEqual([[first!.id, 5, 'poor', 'poor']]);
    expect(texts(await c.say('thu nhập 9tr chứ ko phải 3tr'))).toContain('(trước: hộ nghèo)');
    kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept.map((k) => [k.id, k.data.householdSize, k.data.monthlyIncome, k.data.category, k.data.corrects])).toEqual([
      [first!.id, 5, 9_000_000, 'average_living', 'poor'],
    ]);
    // "Xem dữ liệu của tôi" shows one self-assessment.
    expect(texts(await c.say('xem dữ liệu của tôi'))).toContain('1 lần kiểm tra hộ nghèo');
    // A new self-assessment is another one, kept beside.
    for (const text of ['tu danh gia ho ngheo', 'phuong', '2 nguoi', '20tr']) await c.say(text);
    expect((await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`)).map((k) => k.data.category)).toEqual(['average_living', 'none']);
  });

  it('a correction after "Đồng ý" that asks more questions first replaces the kept result once answered, counted once', async () => {
    const c = fresh();
    for (const text of ['tu danh gia', 'xa', '4 nguoi', '10tr', 'dong y']) await c.say(text);
    const counted = await screeningsCounted();
    expect(texts(await c.say('thu nhập 3tr chứ ko phải 10tr'))).toContain('Câu 4/15 (Việc làm)');
    while (buttons(c.last).includes('Có')) await c.say('ko');
    // The dashboard counted the household's assessment once, before the correction.
    expect(await screeningsCounted()).toBe(counted);
    const result = texts(c.last);
    expect(result).toContain('Mình đã sửa: thu nhập cả hộ 3.000.000 đồng/tháng (trước: 10.000.000 đồng)');
    expect(result).toContain('hộ cận nghèo (trước: không thuộc diện hộ nghèo, hộ cận nghèo)');
    const kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept.map((k) => [k.data.monthlyIncome, k.data.category, k.data.corrects])).toEqual([[3_000_000, 'near_poor', 'none']]);
  });

  it('a correction whose keeping fails still gets its result, and the earlier result stays kept', async () => {
    const c = fresh();
    for (const text of ['tu danh gia', 'xa', '4 nguoi', '10tr', 'dong y']) await c.say(text);
    const failing = vi.spyOn(service.storage.keptAnswers, 'replace').mockRejectedValue(new Error('disk full'));
    try {
      expect(texts(await c.say('nhầm, thu nhập 12tr'))).toContain('Mình đã sửa: thu nhập cả hộ 12.000.000 đồng/tháng');
    } finally {
      failing.mockRestore();
    }
    expect((await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`)).map((k) => k.data.monthlyIncome)).toEqual([10_000_000]);
    // The next correction replaces it.
    await c.say('nhầm, thu nhập 11tr');
    expect((await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`)).map((k) => k.data.monthlyIncome)).toEqual([11_000_000]);
  });

  it('with quick replies: a household well above the line gets its answer after three questions', async () => {
    const c = fresh();
    await c.press('intent:screening_start');
    expect(buttons(c.last)).toEqual(['Xã (nông thôn)', 'Phường (thành thị)']);
    await c.tap('Phường (thành thị)');
    await c.tap('3 người');
    // Five ranges: three on the bubble, the others behind "Khác".
    expect(buttons(c.last)).toEqual(['Dưới 5,4 triệu', '5,4–6 triệu', 'Hơn 6–6,6 triệu', 'Khác']);
    await c.tap('Khác');
    expect(buttons(c.last)).toEqual(['Hơn 6,6–9 triệu', 'Hơn 9 triệu']);
    const result = texts(await c.tap('Hơn 9 triệu'));
    expect(result).toContain('Hộ của bạn có khả năng không thuộc diện hộ nghèo, hộ cận nghèo.');
    expect(result).toContain('thu nhập cả hộ trên 9.000.000 đồng/tháng');
    expect(result).not.toContain('Dấu hiệu có thể thiếu hụt');
    await c.tap('Không đồng ý');
    expect(await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`)).toEqual([]);
  });

  it('the full list opens from its button alone: after the result, in a new screening (then goes on), not when garbled', async () => {
    const c = fresh();
    for (const typed of ['tu danh gia ho ngheo', 'xa', '3 nguoi', '10 trieu']) await c.say(typed);
    const details = c.last.at(-1)!.quickReplies!.find((q) => q.title === 'Xem tất cả quyền lợi')!.payload;
    await c.say('tu danh gia ho ngheo');
    expect(texts(await c.press(details))).toContain('Bước tiếp theo');
    expect(buttons(c.last)).toEqual(['Tiếp tục']);
    expect(texts(await c.tap('Tiếp tục'))).toContain('Câu 1/15');
    expect(texts(await c.press('screening:details:vn-2022-2025|2026-11-28|rural|3|x|z|1'))).toContain('không còn xem lại được');
  });

  it('with quick replies: a near-poor household close to the line, answers kept after "Đồng ý"', async () => {
    const c = fresh();
    await c.press('intent:screening_start');
    await c.tap('Xã (nông thôn)');
    await c.tap('4 người');
    expect(texts(await c.tap('5,4–6 triệu'))).toContain('Câu 4/15');
    let asked = 3;
    while (buttons(c.last).includes('Không') && buttons(c.last).includes('Có')) {
      asked += 1;
      await c.tap(asked === 6 ? 'Có' : 'Không');
    }
    const result = texts(c.last);
    expect(asked).toBe(14); // one deprivation: stops when one question is left
    expect(result).toContain('Hộ của bạn có khả năng thuộc diện hộ cận nghèo.');
    expect(result).toContain('thu nhập cả hộ từ 5.400.000 đến 6.000.000 đồng/tháng');
    expect(result).toContain('rất gần chuẩn nghèo');
    expect(result).toContain('Các câu còn lại không làm thay đổi kết quả');
    expect(texts(await c.tap('Xem tất cả quyền lợi'))).toContain('100% chi phí khám, chữa bệnh'); // near-poor BHYT from 1/1/2026
    await c.press('privacy:consent-yes');
    const kept = await service.storage.keptAnswers.forCitizen(`web:${c.sessionId}`);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ kind: 'screening', data: { standardId: 'vn-2022-2025', area: 'rural', householdSize: 4, category: 'near_poor' } });
    expect(kept[0]!.data.answers).toMatchObject({ nutrition: true, employment: false });
  });

  it('just above the line: no deprivation questions, but told a review could still find it poor or near-poor', async () => {
    const c = fresh();
    await c.press('intent:screening_start');
    expect(texts(await c.say('Thanh Hà'))).toContain('Câu 2/15'); // a commune name answers "xã or phường"
    await c.tap('4 người');
    const result = texts(await c.tap('Hơn 6–6,6 triệu'));
    expect(result).toContain('Hộ của bạn có khả năng thuộc diện hộ có mức sống trung bình.');
    expect(result).toContain('hộ nghèo hoặc hộ cận nghèo (tùy số chỉ số thiếu hụt)');
    const all = texts(await c.tap('Xem tất cả quyền lợi'));
    expect(all).toContain('Mẫu số 01');
    expect(all).toContain('ít nhất 30% tiền mua thẻ bảo hiểm y tế');
  });

  it('"quay lại" changes the previous answer, "hủy" stops', async () => {
    const c = fresh();
    await c.say('kiem tra ho ngheo');
    expect(texts(await c.say('quay lại'))).toContain('Đây là câu hỏi đầu tiên.');
    await c.tap('Xã (nông thôn)');
    await c.say('5 nguoi');
    let reply = texts(await c.say('quay lại'));
    expect(reply).toContain('Lần trước bạn trả lời: 5 người.');
    expect(reply).toContain('Câu 2/15');
    await c.say('3 người');
    expect(buttons(c.last)).toContain('4,05–4,5 triệu'); // the ranges follow the corrected size
    await c.say('quay lai');
    reply = texts(await c.say('quay lai'));
    expect(reply).toContain('Lần trước bạn trả lời: xã (nông thôn).');
    await c.tap('Phường (thành thị)');
    await c.tap('2 người');
    expect(buttons(c.last)).toContain('3,6–4 triệu'); // urban line now
    reply = texts(await c.say('hủy'));
    expect(reply).toContain('Đã hủy');
    expect(texts(await c.say('3 triệu'))).not.toContain('Câu 4/');
  });

  it('resumes after a question of another kind', async () => {
    const c = fresh();
    await c.say('tu danh gia ho ngheo');
    await c.tap('Xã (nông thôn)');
    const aside = await c.say('the bhyt cho ho can ngheo duoc ho tro bao nhieu');
    expect(texts(aside)).not.toContain('Câu 2/15');
    expect(buttons(aside)).toContain('Tiếp tục');
    const resumed = texts(await c.tap('Tiếp tục'));
    expect(resumed).toContain('Mình hỏi tiếp nhé.');
    expect(resumed).toContain('Câu 2/15');
    expect(texts(await c.say('4'))).toContain('Câu 3/15'); // a bare number answers "how many people"
  });

  it('re-asks politely, with an example, on unusable answers, and never fails', async () => {
    const c = fresh();
    await c.say('kiem tra xem nha minh co dc ho can ngheo khong');
    let reply = texts(await c.say('hmm để xem'));
    expect(reply).toContain('Mình chưa rõ nhà bạn ở xã hay phường');
    expect(reply).toContain('Câu 1/15');
    expect(texts(await c.say('đặc khu'))).toContain('Chưa có hướng dẫn đặc khu');
    reply = texts(await c.say('xa'));
    reply = texts(await c.say('40 người'));
    expect(reply).toContain('từ 1 đến 30 người');
    expect(texts(await c.say('một mình'))).toContain('Câu 3/15');
    reply = texts(await c.say('6'));
    expect(reply).toContain('Bạn nhắn rõ đơn vị nhé, ví dụ: 6 triệu');
    reply = texts(await c.say('chẳng biết nữa'));
    expect(reply).toContain('ví dụ: 4tr5');
    expect(reply).toContain('Nếu muốn dừng, nhắn "hủy"'); // the second miss in a row says how to stop
    expect(texts(await c.say('1tr2'))).toContain('Câu 4/15');
    reply = texts(await c.say('không biết'));
    expect(reply).toContain('Nếu không chắc, bạn chọn câu trả lời gần đúng nhất');
    expect(reply).toContain('Câu 4/15');
    expect(texts(await c.say('có'))).toContain('Câu 5/15');
  });

  it('a button of a finished screening offers to start again; "có" does', async () => {
    const c = fresh();
    const stale = texts(await c.press('screening:area:rural'));
    expect(stale).toContain('Bạn muốn làm lại từ đầu không?');
    expect(texts(await c.say('dạ có'))).toContain('Câu 1/15');
    await c.say('hủy');
    await c.press('screening:area:rural');
    expect(texts(await c.say('không'))).toContain('Vâng. Bạn cần hỏi gì cứ nhắn');
  });

  it('understands what the opening message already says', async () => {
    const c = fresh();
    const reply = texts(await c.say('nhà tôi ở xã Thanh Hà có 5 người thì có thuộc hộ nghèo không'));
    expect(reply).toContain('Mình đã ghi nhận: khu vực nông thôn, 5 người.');
    expect(reply).toContain('Câu 3/15. Tổng thu nhập của cả hộ');
    expect(texts(await c.say('quay lại'))).toContain('Lần trước bạn trả lời: 5 người.');
  });

  it('reads an amount per person or per year', async () => {
    const c = fresh();
    await c.say('tu danh gia ho ngheo');
    await c.tap('Phường (thành thị)');
    await c.tap('4 người');
    const result = texts(await c.say('khoảng 3 triệu mỗi người'));
    expect(result).toContain('thu nhập cả hộ 12.000.000 đồng/tháng');
    const d = fresh();
    await d.say('tu danh gia ho ngheo');
    await d.tap('Xã (nông thôn)');
    await d.tap('1 người');
    expect(texts(await d.say('240 triệu một năm'))).toContain('thu nhập cả hộ 20.000.000 đồng/tháng');
  });

  it('from 1/1/2027 uses the provisional 2027–2030 standard and says so', async () => {
    service.clock.set('2026-12-31T17:30:00Z'); // 00:30 on 1/1/2027 in Hà Nội time
    try {
      const c = fresh();
      const intro = texts(await c.say('kiem tra ho ngheo'));
      expect(intro).toContain('Chuẩn nghèo đa chiều giai đoạn 2027–2030');
      expect(intro).toContain('tạm tính');
      expect(intro).toContain('Câu 1/15');
      expect(buttons(c.last)).toEqual(['Xã (nông thôn)', 'Phường (đô thị)']);
      await c.tap('Xã (nông thôn)');
      await c.tap('1 người');
      const result = texts(await c.say('2tr'));
      expect(result).toContain('Câu 4/15');
      for (let i = 0; i < 3; i++) await c.say('có');
      expect(texts(c.last)).toContain('Hộ của bạn có khả năng thuộc diện hộ nghèo.');
      expect(texts(c.last)).toContain('Kết quả tạm tính');
    } finally {
      service.clock.set('2026-11-28T03:00:00Z');
    }
  });
});
