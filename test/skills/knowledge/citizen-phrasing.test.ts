/**
 * Questions written the way citizens write them — no diacritics, abbreviations, a story before the question, a
 * greeting and a signature, a question that only points back at the story ("Như vậy có đúng không?") — answered by
 * the real knowledge base and classifier on the widget's engine. Written for this test (not taken from the
 * evaluation sets), one or more per kind of failure the finder has been fixed for; each names the topic it must be
 * answered in and the entries (any one) that answer it.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../../scripts/real-eval.js';
import type { Reply } from '../../../src/engine/types.js';

interface Case {
  say: string;
  topic: string | readonly string[];
  entries: readonly string[];
}

const CASES: Record<string, readonly Case[]> = {
  'mild disability is "nhẹ", not the particle "nhé"': [
    {
      say: 'Chào ad, e ở xã Tiên Lãng. Con e bị khuyết tật nhẹ ở chân, đi lại hơi khó. Cho e hỏi bé có được nhận trợ cấp hàng tháng ko ạ? E cảm ơn',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.mild_disability'],
    },
    {
      say: 'con toi bi khuyet tat nhe thi co duoc tro cap xa hoi hang thang khong',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.mild_disability'],
    },
    {
      say: 'Ad ơi cho mình hỏi chuẩn nghèo ở thành phố bây giờ là bao nhiêu tiền 1 người 1 tháng nhé',
      topic: 'poverty_standard',
      entries: ['poverty_standard.income_line'],
    },
  ],
  'a question that points back at the story, or at someone it told of, is read with the story': [
    {
      say: 'me toi 82 tuoi, ko co luong huu, song mot minh. nhu vay co duoc nhan tien tro cap hang thang ko',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.social_pension', 'entitlements_overview.elderly', 'entitlements_overview.social_allowance'],
    },
    {
      say: 'Vợ tôi đang mang thai tháng thứ 5, nhà thuộc hộ nghèo. Như vậy có được hỗ trợ gì không?',
      topic: ['entitlements_overview', 'nutrition'],
      entries: ['entitlements_overview.pregnant_children', 'nutrition.pregnant_women'],
    },
    {
      say: 'Cho em hỏi, tổ tiết kiệm vay vốn thu phí sinh hoạt tổ 50k một tháng như vậy có đúng ko',
      topic: 'credit',
      entries: ['credit.group_fees', 'credit.savings_group'],
    },
  ],
  'greetings, requests to the paper and signatures do not decide': [
    {
      say: 'Xin luật sư cho biết, hộ cận nghèo đi khám bệnh bằng thẻ BHYT được thanh toán bao nhiêu phần trăm?',
      topic: 'health_insurance',
      entries: ['health_insurance.near_poor_benefit', 'health_insurance.near_poor'],
    },
    {
      say: 'Ông Nguyễn Văn Hùng (Thủy Nguyên) hỏi: hộ nghèo có được hỗ trợ tiền điện hằng tháng không, mỗi tháng bao nhiêu?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.electricity'],
    },
    {
      say: 'Tôi ở phường Lê Chân. Bà nội tôi 85 tuổi, không có lương hưu. Bà có được cấp thẻ bảo hiểm y tế miễn phí không? Tôi xin cảm ơn.',
      topic: 'health_insurance',
      entries: ['health_insurance.elderly'],
    },
    {
      say: 'Đề nghị tòa soạn cho biết: người thuộc hộ mới thoát nghèo có còn được vay vốn ưu đãi nữa không? (Phạm Thị Lan, Vĩnh Bảo, Hải Phòng)',
      topic: 'credit',
      entries: ['credit.newly_escaped', 'credit.newly_escaped_window'],
    },
  ],
  'a complaint about the list is the review, whatever the story says of the family': [
    {
      say: 'nha e bi cat ho can ngheo ma ko ai thong bao, e phai lam the nao',
      topic: 'review_process',
      entries: ['review_process.removed_from_list', 'review_process.appeal'],
    },
    {
      say: 'Tôi thấy nhà hàng xóm xây nhà 3 tầng mà vẫn có tên trong danh sách hộ nghèo, còn nhà tôi khó khăn lại không được. Tôi muốn phản ánh thì gửi đơn ở đâu?',
      topic: 'review_process',
      entries: ['review_process.neighbours_unfair', 'review_process.appeal'],
    },
    {
      say: 'Mình ở thôn, cán bộ rà soát đến nhà lúc mình đi làm vắng. Giờ phải làm sao để được xét lại?',
      topic: 'review_process',
      entries: ['review_process.absent_at_review', 'review_process.reapply'],
    },
  ],
  'the specific entry beats the generic one': [
    {
      say: 'e la sv nam 2, nha thuoc ho can ngheo, vay von sv dc toi da bn 1 thang a',
      topic: 'credit',
      entries: ['credit.student_loan', 'credit.student'],
    },
    {
      say: 'bao hiem y te cua be duoi 6 tuoi co phai dong tien ko a',
      topic: 'health_insurance',
      entries: ['health_insurance.children_under_6'],
    },
    {
      say: 'Tôi mới sinh em bé được 1 tháng, muốn làm thẻ bảo hiểm y tế cho bé thì làm ở đâu, cần giấy tờ gì?',
      topic: 'health_insurance',
      entries: ['health_insurance.newborn'],
    },
    {
      say: 'the bhyt cua me toi bi mat, xin cap lai o dau vay',
      topic: 'health_insurance',
      entries: ['health_insurance.lost_card'],
    },
    {
      say: 'Cháu tôi mồ côi cả bố lẫn mẹ, đang ở với bà ngoại. Cháu có được nhận trợ cấp hằng tháng không, được bao nhiêu tiền?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.orphans', 'entitlements_overview.orphan_amount'],
    },
    {
      say: 'Nhà em có mẹ bị tâm thần nặng, đang hưởng trợ cấp. Chị gái em ở nhà chăm sóc mẹ suốt, không đi làm được. Người chăm sóc như chị em có được nhận thêm tiền không ạ?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.caregiver_support'],
    },
    {
      say: 'Bố tôi nghỉ hưu, đang lĩnh lương hưu 5 triệu. Ông có được thêm trợ cấp người cao tuổi không?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.pension_and_social_pension'],
    },
    {
      say: 'co nguoi goi dien bao la ngan hang chinh sach, noi nop 2tr phi ho so thi duoc vay 50tr, co phai lua dao ko',
      topic: 'credit',
      entries: ['credit.scam'],
    },
    {
      say: 'thon bat moi ho dong 200k quy vi nguoi ngheo, nha em kho khan co bat buoc phai dong ko',
      topic: 'poor_fund_donation',
      entries: ['poor_fund_donation.voluntary', 'poor_fund_donation.forced_contribution'],
    },
    {
      say: 'Toi muon ung ho quy vi nguoi ngheo 1 trieu thi chuyen khoan vao dau',
      topic: 'poor_fund_donation',
      entries: ['poor_fund_donation.how_to_donate'],
    },
  ],
  'disability at school or in training is schooling, not the allowance': [
    {
      say: 'Con tôi bị khuyết tật trí tuệ, năm nay vào lớp 1 học hòa nhập. Cháu có được miễn học phí hay hỗ trợ gì khi đi học không?',
      topic: 'education',
      entries: ['education.disability'],
    },
    {
      say: 'Em trai mình bị khuyết tật vận động từ nhỏ, năm nay 18 tuổi. Cháu muốn đi học nghề sửa xe máy thì có được hỗ trợ gì không?',
      topic: 'vocational_training',
      entries: ['vocational_training.disability'],
    },
  ],
  'stories told before the question': [
    {
      say: 'Nhà tôi bị bão làm tốc hết mái, tường bị nứt. Gia đình thuộc hộ cận nghèo. Xin hỏi có được nhà nước hỗ trợ sửa nhà không?',
      topic: 'housing',
      entries: ['housing.minor_damage', 'housing.disaster', 'housing.build_repair_support'],
    },
    {
      say: 'Chồng tôi đi xuất khẩu lao động Hàn Quốc, về nước đúng hạn rồi mà công ty giữ tiền ký quỹ mãi không trả. Tôi phải làm gì?',
      topic: 'labour_export',
      entries: ['labour_export.deposit_withheld', 'labour_export.deposit_refund'],
    },
    {
      say: 'Nhà tôi 5 khẩu, làm ruộng, thu nhập bấp bênh. Con gái tôi vừa đỗ đại học. Xin hỏi cháu có được vay tiền đi học không, lãi suất bao nhiêu?',
      topic: 'credit',
      entries: ['credit.student_loan', 'credit.student', 'credit.interest_rate'],
    },
    {
      say: 'Tôi năm nay 45 tuổi, thất nghiệp đã lâu, muốn học nghề may miễn phí thì đăng ký ở đâu?',
      topic: 'vocational_training',
      entries: ['vocational_training.where_register', 'vocational_training.free_short_course'],
    },
    {
      say: 'Con tôi học lớp 10 trường công, nhà cận nghèo, có phải đóng học phí không',
      topic: 'education',
      entries: ['education.tuition', 'education.tuition_free', 'education.near_poor'],
    },
  ],
  'letters to a newspaper column: a story, then the question': [
    {
      say: 'Tôi năm nay 67 tuổi, vợ tôi đã mất, các con đi làm ăn xa không gửi tiền về. Tôi không có lương hưu. Xin hỏi tôi có được hưởng trợ cấp xã hội hằng tháng không và mức hưởng là bao nhiêu?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.social_pension', 'entitlements_overview.elderly', 'entitlements_overview.social_allowance', 'entitlements_overview.social_assistance'],
    },
    {
      say: 'Mẹ tôi bị mất thẻ bảo hiểm y tế khi đi chợ. Bây giờ muốn làm lại thẻ thì phải đến đâu, có mất tiền không?',
      topic: 'health_insurance',
      entries: ['health_insurance.lost_card'],
    },
    {
      say: 'Nhà tôi nằm trong vùng sạt lở ven sông, chính quyền yêu cầu di dời. Gia đình tôi là hộ cận nghèo. Xin hỏi nhà nước hỗ trợ những gì khi di dời?',
      topic: 'housing',
      entries: ['housing.relocation'],
    },
    {
      say: 'Tôi có người quen giới thiệu đi làm việc ở Đài Loan, bảo nộp trước 3.000 USD tiền đặt cọc để giữ chỗ, chưa ký hợp đồng gì. Xin hỏi như vậy có đúng quy định không?',
      topic: 'labour_export',
      entries: ['labour_export.reservation_deposit', 'labour_export.brokerage_fee', 'labour_export.scam_signs'],
    },
    {
      say: 'Năm nay thôn tổ chức bình xét hộ nghèo nhưng không mời nhà tôi đi họp, đến khi niêm yết danh sách thì không có tên nhà tôi. Tôi phải khiếu nại ở đâu, trong thời hạn bao lâu?',
      topic: 'review_process',
      entries: ['review_process.appeal', 'review_process.posting', 'review_process.neighbours_unfair'],
    },
    {
      say: 'Tôi bị khuyết tật vận động, đã có giấy xác nhận khuyết tật mức độ nặng. Tôi muốn hỏi mỗi tháng tôi được trợ cấp bao nhiêu tiền?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.disability_amount'],
    },
    {
      say: 'Nhà tôi thuộc hộ nghèo, tháng nào cũng phải trả tiền điện khoảng 200 nghìn. Xin hỏi nhà nước có hỗ trợ tiền điện cho hộ nghèo không, nhận ở đâu?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.electricity'],
    },
    {
      say: 'Tôi đang vay vốn hộ nghèo 60 triệu, năm nay nhà tôi được công nhận thoát nghèo. Xin hỏi khoản vay có bị ngân hàng thu hồi trước hạn không?',
      topic: 'credit',
      entries: ['credit.after_leaving_list'],
    },
    {
      say: 'Chồng tôi mất do tai nạn, tôi nuôi 3 con nhỏ một mình, nhà thuộc hộ nghèo. Tôi nghe nói người đơn thân nuôi con trong hộ nghèo được trợ cấp. Như vậy có đúng không?',
      topic: 'entitlements_overview',
      entries: ['entitlements_overview.single_parent'],
    },
    {
      say: 'Ông tôi bị người khác kiện ra tòa đòi đất. Ông đã già lại thuộc hộ nghèo, không có tiền thuê luật sư. Xin hỏi ông có được trợ giúp pháp lý miễn phí không, đến đâu để nhờ?',
      topic: 'legal_aid',
      entries: ['legal_aid.being_sued', 'legal_aid.land_dispute', 'legal_aid.who_qualifies', 'legal_aid.where', 'legal_aid.elderly_disabled'],
    },
    {
      say: 'Tôi ở phường, được cấp giấy chứng nhận hộ cận nghèo năm ngoái nhưng bị thất lạc. Bây giờ muốn xin cấp lại thì làm thế nào?',
      topic: 'review_process',
      entries: ['review_process.certificate_lost'],
    },
    {
      say: 'Kính gửi Báo. Nhà tôi bị cháy hết do chập điện, mọi đồ đạc không còn gì. Gia đình tôi thuộc hộ cận nghèo. Xin hỏi tôi có được nhà nước hỗ trợ làm lại nhà không? (Lê Văn Tư, An Lão)',
      topic: 'housing',
      entries: ['housing.disaster', 'housing.fire_steps', 'housing.emergency_needs'],
    },
    {
      say: 'Tôi muốn đăng ký tạm trú cho vợ con ở phường mới chuyển đến thì làm ở đâu?',
      topic: 'fallback',
      entries: ['residence_registration'],
    },
    {
      say: 'Tôi làm công ty 6 năm, vừa nghỉ việc. Tôi muốn rút bảo hiểm xã hội một lần thì thủ tục thế nào?',
      topic: 'fallback',
      entries: ['social_insurance_one_time'],
    },
  ],
  'requests that belong to another office get the referral': [
    { say: 'Mình muốn tách hộ khẩu ra ở riêng với bố mẹ thì làm thủ tục ở đâu?', topic: ['fallback', 'review_process'], entries: ['household_split', 'review_process.household_split'] },
    { say: 'Cho em hỏi đăng ký kết hôn cần giấy tờ gì ạ', topic: 'fallback', entries: ['marriage_registration'] },
    { say: 'lam so do cho manh dat o que thi nop ho so o dau', topic: 'fallback', entries: ['land_certificate'] },
  ],
};

describe('questions as citizens write them', async () => {
  const { engine } = await buildEngine();
  let citizen = 0;
  const answerOf = async (say: string) => {
    const turn = await engine.turn({ channel: 'web', userId: `citizen-phrasing-${citizen++}`, text: say });
    const answered = turn.replies.flatMap((r: Reply) => (r.source && r.source.kind !== 'choices' ? r.source.ids : []));
    return { topic: turn.intent, answered };
  };

  for (const [kind, cases] of Object.entries(CASES)) {
    describe(kind, () => {
      it.each(cases.map((c) => [c.say, c] as const))('%s', async (_, c) => {
        const { topic, answered } = await answerOf(c.say);
        expect([c.topic].flat()).toContain(topic);
        expect(answered.filter((id) => c.entries.includes(id)), `answered with ${answered.join(', ') || 'nothing'}`).not.toEqual([]);
      });
    });
  }
});
