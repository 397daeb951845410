import type { ControlWord } from '../payloads.js';
import { fold } from '../text/fold.js';

/** Control words typed with or without diacritics (compared folded, as the whole message). */
const WORDS: Record<ControlWord, string[]> = {
  menu: ['menu', 'me nu', 'memu', 'danh muc', 'trang chu', 'menu chinh', 'xem menu'],
  cancel: ['huy', 'huy bo', 'huy nhe', 'thoat', 'thoi', 'dung lai', 'ket thuc', 'cancel', 'bo qua het'],
  restart: ['lam lai', 'lam lai tu dau', 'bat dau lai', 'lai tu dau', 'restart'],
  back: ['quay lai', 'tro lai', 'lui lai', 'cau truoc', 'back', 'quay lai cau truoc'],
  resume: ['tiep tuc', 'tiep', 'continue'],
};
const POLITE = /\s+(a|nhe|nha|nhe a|di|voi|giup|giup toi|cho toi)$/;
/** "ok tiếp tục", "ừ hủy", "vâng, quay lại": an agreeing word before the control word. */
const AGREEING = /^(ok|oke|okie|u|uh|vang|da|da vang)\s+/;

const lookup = new Map<string, ControlWord>();
for (const [word, forms] of Object.entries(WORDS) as [ControlWord, string[]][]) {
  for (const form of forms) lookup.set(form, word);
}

/** The control word the whole message is, if any ("Hủy ạ" → cancel; "hủy đăng ký" → none). */
export function controlWordOf(text: string): ControlWord | null {
  let folded = fold(text);
  if (!folded) return null;
  const direct = lookup.get(folded);
  if (direct) return direct;
  folded = folded.replace(POLITE, '');
  return lookup.get(folded) ?? lookup.get(folded.replace(AGREEING, '')) ?? null;
}


/** What the citizen may still ask the bot for while a person owns the conversation. */
export type OwnedConversationWord = 'release' | 'privacy';

/** Asking for the bot back: "hủy", "quay lại trợ lý", "không cần cán bộ nữa"… (whole message, folded). */
const RELEASE = new Set([
  ...WORDS.cancel,
  'huy yeu cau',
  'huy gap can bo',
  'quay lai tro ly',
  'quay ve tro ly',
  'gap tro ly',
  'noi chuyen voi tro ly',
  'tro ly',
  'khong can can bo nua',
  'khong can nua',
]);
/** "xóa dữ liệu (của tôi)", "xem dữ liệu", "xoa het": the citizen's rights over their data never wait for staff. */
const PRIVACY = /\b(xoa|xem|rut)\b.*\b(du lieu|thong tin ca nhan|dong y)\b|^xoa het\b/;

/** While a person owns the conversation: the words that reach the bot; anything else goes to the person. */
export function ownedConversationWordOf(text: string): OwnedConversationWord | null {
  const folded = fold(text);
  if (!folded) return null;
  if (RELEASE.has(folded) || RELEASE.has(folded.replace(POLITE, ''))) return 'release';
  return PRIVACY.test(folded) ? 'privacy' : null;
}
