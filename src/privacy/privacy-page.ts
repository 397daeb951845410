import { createHash } from 'node:crypto';
import { formatDays, type RetentionPeriods } from './retention-periods.js';

export interface PrivacyPageFacts {
  periods: RetentionPeriods;
  /** A conversation is forgotten after this many minutes without a message (SESSION_IDLE_MINUTES). */
  sessionIdleMinutes: number;
  /** Conversation state is written to disk this often (SESSION_SNAPSHOT_SECONDS). */
  snapshotSeconds: number;
  /** The retention job runs this often; it also compacts the data files' change logs. */
  cleanupEveryMinutes: number;
}

const STYLE = `body{font:17px/1.55 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem 1.25rem 3rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border:1px solid #bbb;padding:.45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}code{background:#f0f0f0;padding:0 .2em}a{color:#0b57d0}`;

/** The page has one inline style block and nothing else: the CSP allows exactly that block, by hash. */
export const PRIVACY_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The full privacy notice (/privacy), in plain Vietnamese. Every period comes from the running configuration, and
 * every statement mirrors what the code does: citizen registry, consent, personal-data service, retention job.
 */
export function renderPrivacyPage(facts: PrivacyPageFacts): string {
  const { periods } = facts;
  const idle = formatDays(periods.idleCitizenDays);
  const kept = formatDays(periods.keptAnswersDays);
  const audit = formatDays(periods.auditDays);
  const handoff = formatDays(periods.handoffDays);
  const journal = formatDays(periods.journalHashDays);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chính sách bảo vệ dữ liệu cá nhân – Trợ lý giảm nghèo</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Trợ lý giảm nghèo lưu gì về bạn, để làm gì và trong bao lâu</h1>
<p>Trang này mô tả đúng những gì phần mềm trợ lý làm với dữ liệu của bạn khi bạn nhắn tin qua Zalo hoặc qua khung
trò chuyện trên trang web. Các thời hạn dưới đây là thời hạn đang được cài đặt trên máy chủ này.</p>

<h2>Tóm tắt</h2>
<ul>
<li>Trợ lý chỉ lưu những gì cần để trả lời bạn và gửi thông báo bạn đã đăng ký.</li>
<li>Câu trả lời khi kiểm tra hộ nghèo (số người, thu nhập, bảo hiểm y tế…) và câu hỏi bạn gõ
<strong>chỉ được lưu lại sau cuộc trò chuyện nếu bạn bấm “Đồng ý”</strong>. Không đồng ý thì bạn vẫn dùng được mọi chức năng.</li>
<li>Nhắn <strong>“xem dữ liệu của tôi”</strong> để xem trợ lý đang lưu gì về bạn; nhắn
<strong>“xóa dữ liệu của tôi”</strong> rồi chọn “Xóa hết” để xóa toàn bộ.</li>
<li>Nếu bạn không nhắn tin trong ${idle}, trợ lý tự xóa dữ liệu của bạn, trừ khi bạn đang đăng ký nhận thông báo
hoặc đã đồng ý lưu câu trả lời.</li>
</ul>

<h2>Những gì được lưu</h2>
<table>
<thead><tr><th>Dữ liệu</th><th>Gồm những gì</th><th>Lưu trong bao lâu</th></tr></thead>
<tbody>
<tr><td>Hồ sơ liên hệ<br>(tệp <code>citizens</code>)</td>
<td>Mã người dùng Zalo của bạn, hoặc mã ngẫu nhiên của khung trò chuyện trên trình duyệt; thời điểm bạn nhắn lần đầu
và lần gần nhất; thời điểm bạn được xem thông báo về dữ liệu; bạn đồng ý hay không đồng ý lưu câu trả lời; bạn có
quan tâm Official Account trên Zalo không; xã/phường bạn chọn và việc bạn đăng ký nhận thông báo.</td>
<td>Đến khi bạn yêu cầu xóa. Tự xóa sau ${idle} bạn không nhắn tin, trừ khi bạn đang đăng ký nhận thông báo (khi đó
giữ đến lúc bạn hủy đăng ký hoặc yêu cầu xóa) hoặc còn câu trả lời đã đồng ý lưu.</td></tr>
<tr><td>Cuộc trò chuyện đang diễn ra<br>(tệp <code>sessions</code>)</td>
<td>Bước bạn đang làm dở (ví dụ câu hỏi kiểm tra hộ nghèo đang trả lời, cùng các câu trả lời đã nhập ở các bước
trước), các nút vừa hiển thị, chủ đề vừa hỏi.</td>
<td>Giữ trong bộ nhớ và ghi ra đĩa mỗi ${facts.snapshotSeconds} giây; tự xóa sau ${facts.sessionIdleMinutes} phút
bạn không nhắn tin.</td></tr>
<tr><td>Câu trả lời đã đồng ý lưu<br>(tệp <code>kept-answers</code>)</td>
<td>Chỉ khi bạn bấm “Đồng ý”: câu trả lời khi kiểm tra hộ nghèo và câu hỏi bạn gửi.</td>
<td>Tối đa ${kept} kể từ lúc lưu. Rút lại đồng ý thì xóa ngay.</td></tr>
<tr><td>Câu hỏi chuyển cho cán bộ xã/phường<br>(tệp <code>handoffs</code>)</td>
<td>Chỉ khi bạn đồng ý chuyển (“gặp cán bộ”): câu hỏi bạn chọn chuyển, các tin nhắn sau đó giữa bạn và cán bộ, ghi chú
nội bộ của cán bộ về câu hỏi, xã/phường, thời điểm nhận và kết thúc. Chỉ cán bộ phụ trách xã/phường của bạn và quản trị
viên thành phố xem được.</td>
<td>Tối đa ${handoff} kể từ lúc cuộc trò chuyện với cán bộ kết thúc; xóa ngay khi bạn nhắn “xóa dữ liệu của tôi”.</td></tr>
<tr><td>Câu hỏi trợ lý chưa trả lời được<br>(tệp <code>unanswered</code>)</td>
<td>Trợ lý đếm các câu hỏi chưa trả lời được để bổ sung nội dung. Lời câu hỏi chỉ được lưu nếu bạn đã đồng ý;
nếu không, chỉ lưu thời điểm.</td>
<td>Tối đa ${kept}. Rút lại đồng ý thì xóa ngay.</td></tr>
<tr><td>Thông báo gửi cho bạn<br>(tệp <code>deliveries</code>)</td>
<td>Thông báo nào được gửi cho bạn, đã gửi được chưa, lý do nếu không gửi được.</td>
<td>Thông báo chưa gửi: đến khi gửi xong hoặc bạn yêu cầu xóa. Thông báo đã xử lý xong: tối đa ${audit}.</td></tr>
<tr><td>Nhật ký tin nhắn Zalo<br>(tệp <code>journal</code>)</td>
<td>Tin nhắn Zalo được ghi lại trước khi trợ lý báo đã nhận, để không bị mất nếu máy chủ gặp sự cố. Khi đã trả lời
xong, nội dung và mã người gửi bị xóa, chỉ còn một mã băm (SHA-256) để nhận ra tin nhắn Zalo gửi lại hai lần.</td>
<td>Nội dung: đến khi trả lời xong; phiên bản cũ còn trong tệp nhật ký thay đổi của máy chủ đến lần dọn dữ liệu
kế tiếp (tối đa ${facts.cleanupEveryMinutes} phút). Mã băm: ${journal}.</td></tr>
<tr><td>Nhật ký quản trị<br>(tệp <code>audit</code>)</td>
<td>Việc cán bộ làm trên trang quản trị (đăng thông báo, quản lý tài khoản…) và các lần xóa dữ liệu. Lần xóa dữ liệu
chỉ ghi một mã băm của mã người dùng, không ghi mã người dùng.</td>
<td>Tối đa ${audit}.</td></tr>
<tr><td>Số liệu tổng hợp<br>(tệp <code>stats</code>)</td>
<td>Chỉ là các con số đếm theo tuần và theo xã/phường: bao nhiêu câu hỏi về mỗi chủ đề, bao nhiêu câu trợ lý trả lời
được hay chưa, bao nhiêu lần chuyển cán bộ và cán bộ trả lời sau bao lâu, bao nhiêu lần tự đánh giá ra mỗi kết quả.
Không ghi mã người dùng, lời câu hỏi, câu trả lời hay thời điểm cụ thể, nên không thể biết con số nào là của ai.</td>
<td>Giữ lâu dài để theo dõi chương trình (không phải dữ liệu cá nhân). Xóa dữ liệu của bạn không làm giảm các con số
đã đếm.</td></tr>
</tbody>
</table>
<p>Nhật ký kỹ thuật của máy chủ ghi địa chỉ IP, đường dẫn được gọi, mã người dùng và mã sự kiện để xử lý sự cố;
không ghi nội dung tin nhắn, thu nhập, số điện thoại hay tên của bạn. Để chống gửi quá nhiều yêu cầu, máy chủ đếm số
yêu cầu của mỗi địa chỉ IP trong bộ nhớ, trong một phút.</p>
<p>Ngoài máy chủ của trợ lý:</p>
<ul>
<li><strong>Zalo</strong> lưu tin nhắn giữa bạn và Official Account theo chính sách của Zalo. Xóa dữ liệu ở trợ lý
không xóa tin nhắn trong ứng dụng Zalo của bạn.</li>
<li><strong>Khung trò chuyện trên trang web</strong> lưu mã phiên và tối đa 150 tin nhắn gần nhất ngay trên trình
duyệt của bạn (localStorage), để cuộc trò chuyện không mất khi bạn chuyển trang. Nút “Xóa cuộc trò chuyện” xóa cả bản
trên trình duyệt lẫn toàn bộ dữ liệu của phiên đó trên máy chủ. Mã phiên do máy chủ cấp và ký; chỉ trình duyệt đang
giữ mã phiên đó mới xem được dữ liệu (“xem dữ liệu của tôi”) hoặc quay lại cuộc trò chuyện (“quay lại”) — một mã tự
đặt hay đoán ra chỉ mở một cuộc trò chuyện mới, trống.</li>
</ul>

<h2>Để làm gì</h2>
<ul>
<li>Trả lời câu hỏi của bạn và giúp bạn tự kiểm tra theo chuẩn nghèo đa chiều.</li>
<li>Gửi thông báo của xã/phường mà bạn đã đăng ký nhận.</li>
<li>Với sự đồng ý của bạn: giữ lại câu trả lời và câu hỏi để cán bộ hỗ trợ bạn và để bổ sung những nội dung trợ lý
chưa trả lời được.</li>
</ul>
<p>Trợ lý không dùng dữ liệu của bạn vào việc khác và không bán hay chuyển dữ liệu cho ai.</p>

<h2>Ai được xem</h2>
<ul>
<li>Cán bộ xã/phường đăng thông báo chỉ thấy số lượng thông báo đã gửi, đang chờ hay không gửi được, không thấy từng
người nhận.</li>
<li>Cán bộ xã/phường và cán bộ quản trị xem được số liệu tổng hợp của chương trình (xã/phường mình, hoặc toàn thành
phố); nhóm nào dưới 5 chỉ hiện “&lt; 5”.</li>
<li>Cán bộ quản trị thấy danh sách câu hỏi trợ lý chưa trả lời được: chỉ lời câu hỏi của những người đã đồng ý, gộp
theo nội dung, không kèm mã người hỏi.</li>
<li>Khi bạn yêu cầu, cán bộ quản trị có thể xem hoặc xóa toàn bộ dữ liệu của bạn thay bạn; mỗi lần như vậy được ghi
vào nhật ký quản trị (chỉ ghi mã băm của bạn).</li>
<li>Người quản lý máy chủ có thể đọc các tệp dữ liệu nêu trên.</li>
</ul>

<h2>Quyền của bạn và cách thực hiện</h2>
<ul>
<li><strong>Được biết</strong>: trợ lý hiện thông báo ngắn về dữ liệu ngay lần đầu bạn nhắn tin trên mỗi kênh, kèm
đường dẫn tới trang này.</li>
<li><strong>Đồng ý hoặc không đồng ý, rút lại đồng ý</strong>: trả lời câu hỏi “Đồng ý / Không đồng ý” khi trợ lý hỏi;
muốn đổi ý, nhắn “xem dữ liệu của tôi” rồi chọn “Đồng ý lưu câu trả lời” hoặc “Rút lại đồng ý lưu”. Rút lại đồng ý
thì những gì đã lưu nhờ sự đồng ý đó bị xóa ngay.</li>
<li><strong>Xem dữ liệu</strong>: nhắn “xem dữ liệu của tôi”.</li>
<li><strong>Chỉnh sửa</strong>: muốn đổi xã/phường nhận thông báo, nhắn “đăng ký nhận thông báo” và chọn lại;
thông tin khác có thể xóa rồi nhập lại.</li>
<li><strong>Xóa</strong>: nhắn “xóa dữ liệu của tôi” rồi chọn “Xóa hết”. Trợ lý xóa ngay hồ sơ liên hệ, đăng ký nhận
thông báo, cuộc trò chuyện, câu trả lời đã lưu, câu hỏi, mọi thông báo chờ gửi và đã gửi cho bạn, nội dung tin nhắn
Zalo chưa xử lý xong (chỉ giữ mã băm nêu trên). Nếu không tự làm được, bạn có thể nhờ cán bộ xã/phường chuyển yêu
cầu tới cán bộ quản trị.</li>
</ul>

<h2>Căn cứ pháp lý</h2>
<p>Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15, được Quốc hội thông qua ngày 26/6/2025 và có hiệu lực từ ngày
1/1/2026, quy định quyền của người có dữ liệu được biết, đồng ý, truy cập, chỉnh sửa và xóa dữ liệu của mình.
Câu trả lời về thu nhập, sức khỏe, khuyết tật của hộ gia đình là dữ liệu nhạy cảm, nên trợ lý chỉ giữ lại khi bạn
đồng ý.</p>
</main>
</body>
</html>
`;
}
