/**
 * The error catalogue: every error code the service sends to a client, with its HTTP status and the Vietnamese
 * sentence sent when the thrower has nothing more precise to say. Services throw `AppError` with a code and know
 * nothing of HTTP; the HTTP edge (src/http/errors.ts) turns the code into the status. Content and training files
 * that cannot be trusted throw `ContentError`, which stops start-up (src/main.ts).
 *
 * This module imports nothing, so every layer may use it.
 */
export const ERRORS = {
  // Requests the HTTP layer refuses before any service sees them.
  invalid_request: { status: 400, message: 'Yêu cầu không hợp lệ. Hãy kiểm tra lại dữ liệu gửi lên.' },
  bad_request: { status: 400, message: 'Yêu cầu không hợp lệ. Hãy kiểm tra lại dữ liệu gửi lên.' },
  not_found: { status: 404, message: 'Không có đường dẫn này.' },
  rate_limited: { status: 429, message: 'Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.' },
  too_many_connections: {
    status: 429,
    message: 'Có quá nhiều cửa sổ trò chuyện đang mở từ cùng một địa chỉ. Hãy đóng bớt rồi tải lại trang.',
  },
  internal_error: { status: 500, message: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau.' },
  origin_not_allowed: {
    status: 403,
    message: 'Trang web này chưa được phép dùng Trợ lý. Quản trị viên cần thêm địa chỉ trang vào ALLOWED_ORIGINS.',
  },
  invalid_signature: {
    status: 401,
    message: 'Chữ ký X-ZEvent-Signature bị thiếu hoặc không đúng; sự kiện không được xử lý.',
  },
  widget_not_built: { status: 503, message: 'Trợ lý trên trang web chưa sẵn sàng. Quản trị viên cần chạy "npm run build".' },
  console_not_built: { status: 503, message: 'Trang quản trị chưa sẵn sàng. Quản trị viên cần chạy "npm run build".' },

  // Staff sessions and accounts.
  unauthenticated: { status: 401, message: 'Bạn cần đăng nhập (hoặc phiên đăng nhập đã hết hạn).' },
  admin_only: { status: 403, message: 'Chỉ quản trị viên thành phố được dùng chức năng này.' },
  cross_site: { status: 403, message: 'Yêu cầu phải được gửi từ trang quản trị của hệ thống.' },
  invalid_credentials: { status: 401, message: 'Tên đăng nhập hoặc mật khẩu không đúng.' },
  account_disabled: { status: 403, message: 'Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên thành phố.' },
  too_many_attempts: { status: 429, message: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.' },
  username_taken: { status: 409, message: 'Tên đăng nhập này đã có người dùng.' },
  cannot_change_self: { status: 400, message: 'Không thể tự khóa, tự đổi vai trò hoặc tự xóa tài khoản của chính mình.' },
  weak_password: {
    status: 400,
    message:
      'Mật khẩu quá dễ đoán (chuỗi lặp, dãy phím, ngày tháng hoặc mật khẩu thông dụng). Hãy dùng một cụm 3–4 từ không liên quan đến nhau, có thể thêm số, ví dụ "ca phe sang mua xuan 47".',
  },
  wrong_password: { status: 400, message: 'Mật khẩu hiện tại không đúng.' },
  unknown_staff: { status: 404, message: 'Không có tài khoản này.' },
  communes_required: { status: 400, message: 'Cán bộ xã cần được giao ít nhất một xã/phường.' },
  last_admin: { status: 400, message: 'Phải còn ít nhất một quản trị viên đang hoạt động.' },

  // Communes: a request field listing ids that name no commune, and a parameter that names no commune.
  invalid_commune: { status: 400, message: 'Có mã xã/phường không tồn tại.' },
  unknown_commune: { status: 404, message: 'Không có xã/phường với mã này.' },

  // Announcements.
  forbidden_commune: { status: 403, message: 'Bạn chỉ được thao tác với thông báo của xã/phường mình phụ trách.' },
  schedule_in_past: {
    status: 400,
    message: 'Thời điểm hẹn gửi phải ở tương lai. Để gửi ngay, hãy bỏ trống thời điểm hẹn.',
  },
  schedule_too_far: { status: 400, message: 'Chỉ hẹn gửi được trong vòng một năm tới.' },
  unknown_announcement: { status: 404, message: 'Không tìm thấy thông báo này.' },

  // Programme dashboard.
  invalid_period: { status: 400, message: 'Khoảng thời gian phải từ ngày đầu đến ngày cuối, dài tối đa 53 tuần.' },
  forbidden_dashboard_commune: { status: 403, message: 'Bạn chỉ xem được số liệu của xã/phường mình phụ trách.' },
  // Conversations handed to staff (the inbox).
  unknown_conversation: { status: 404, message: 'Không tìm thấy cuộc trò chuyện này.' },
  forbidden_conversation: {
    status: 403,
    message: 'Cuộc trò chuyện này thuộc xã/phường khác; bạn chỉ xem và trả lời được người dân của xã/phường mình phụ trách.',
  },
  conversation_state: {
    status: 409,
    message: 'Cuộc trò chuyện đã đổi trạng thái (có người khác đã nhận, đã đóng hoặc đã trả về trợ lý). Hãy tải lại danh sách.',
  },
  not_your_conversation: { status: 409, message: 'Cuộc trò chuyện này đang do cán bộ khác phụ trách; hãy nhận lại trước khi trả lời.' },
  unknown_colleague: {
    status: 400,
    message: 'Không chuyển được: người nhận phải là tài khoản đang hoạt động phụ trách xã/phường của cuộc trò chuyện.',
  },
  unknown_draft: { status: 404, message: 'Không tìm thấy bản nháp này.' },

  // Personal data and screening.
  citizen_not_found: { status: 404, message: 'Không có dữ liệu nào về người dùng này.' },
  no_standard_for_date: { status: 400, message: 'Chưa có chuẩn nghèo áp dụng cho ngày này.' },
  unknown_indicator: { status: 400, message: 'Có mã chỉ số không thuộc chuẩn nghèo đang áp dụng.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every error response: a stable code for programs, a sentence a person can act on. */
export interface ApiError {
  error: ErrorCode;
  message: string;
}

/** An error a client is told about, by catalogue code; `message` defaults to the catalogue's sentence. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * A content or training file that cannot be trusted (answers, standards, communes, intents). Each problem reads
 * "file: place: what is wrong"; start-up prints `line` (the first problem, and how many more there are) and stops.
 */
export class ContentError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ContentError';
    this.problems = list;
  }

  get line(): string {
    const more = this.problems.length - 1;
    return `Invalid content: ${this.problems[0]}${more > 0 ? ` (and ${more} more problem(s) in content files)` : ''}`;
  }
}

/** One problem in a content file, as ContentError lists it. */
export function contentProblem(file: string, place: string, problem: string): string {
  return `${file}: ${place}: ${problem}`;
}
