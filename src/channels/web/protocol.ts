import { z } from 'zod';
import { describeIssue } from '../../http/errors.js';
import {
  type ClientFrame,
  type ErrorCode,
  MAX_FRAME_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_PAYLOAD_LENGTH,
  PROTOCOL_VERSION,
  SESSION_ID_PATTERN,
  TOKEN_PATTERN,
} from './wire.js';

/** Shared by /api/chat and the widget socket. */
export { MAX_MESSAGE_LENGTH };

export const sessionIdSchema = z
  .string()
  .regex(SESSION_ID_PATTERN, 'sessionId phải gồm 8–64 ký tự chữ, số, "-" hoặc "_".');

export const quickReplySchema = z.object({ title: z.string(), payload: z.string() });
export const linkSchema = z.object({ title: z.string(), url: z.string() });
export const replySchema = z.object({
  text: z.string(),
  quickReplies: z.array(quickReplySchema).optional(),
  links: z.array(linkSchema).optional(),
  /**
   * An officer's message pushed live under this id (the socket's `push` frame) that comes again with the answer,
   * because no instance confirmed in time that a widget got it: show it once.
   */
  pushId: z.string().optional(),
});

/**
 * One chat message, the same on `POST /api/chat` and in the socket's message frame (with the envelope fields of
 * each): `text` (a question) or `payload` (a tapped quick reply). When both come, the payload wins and the text is
 * kept as the title the citizen saw.
 */
export function chatMessageSchema<Envelope extends z.ZodRawShape>(envelope: Envelope) {
  return z
    .object({
      ...envelope,
      text: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH).optional(),
      payload: z.string().min(1).max(MAX_PAYLOAD_LENGTH).optional(),
    })
    .refine(({ text, payload }: { text?: unknown; payload?: unknown }) => text !== undefined || payload !== undefined, {
      message: 'Hãy gửi "text" (câu hỏi) hoặc "payload" (nút đã chọn).',
      path: ['text'],
    });
}

export const token = (what: string) => z.string().regex(TOKEN_PATTERN, `${what} phải gồm 1–64 ký tự chữ, số, "-" hoặc "_".`);

/** Unknown keys are ignored (a newer widget may send more); everything named here is checked. */
const frameSchemas = {
  hello: z.object({
    type: z.literal('hello'),
    v: z.number().int().min(0).max(1000),
    sessionId: sessionIdSchema.optional(),
    commune: token('commune').optional(),
  }),
  message: chatMessageSchema({ type: z.literal('message'), id: token('id') }),
  clear: z.object({ type: z.literal('clear') }),
} satisfies Record<ClientFrame['type'], z.ZodType<ClientFrame>>;

export interface FrameError {
  code: ErrorCode;
  message: string;
  /** The message id the error is about, when the frame carried a usable one. */
  id?: string;
}

export const frameErrors = {
  malformed: 'Tin gửi lên không đúng định dạng JSON của giao thức.',
  tooLong: `Tin nhắn dài quá ${MAX_MESSAGE_LENGTH.toLocaleString('vi-VN')} ký tự. Bạn hãy rút gọn hoặc chia thành nhiều tin.`,
  unsupportedVersion: `Phiên bản giao thức không được hỗ trợ; máy chủ dùng phiên bản ${PROTOCOL_VERSION}. Hãy tải lại trang.`,
  helloRequired: 'Cần gửi "hello" trước khi nhắn tin.',
  rateLimited: 'Bạn gửi quá nhanh. Vui lòng chờ một phút rồi gửi lại.',
  internal: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau.',
} as const;

/** The message id of a frame, if it has a well-formed one (so an error can name the message it refuses). */
export function frameIdOf(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && TOKEN_PATTERN.test(id) ? id : undefined;
}

/** Decodes one text frame: a valid ClientFrame, or the error frame to answer with. Never throws. */
export function parseClientFrame(raw: string): { frame: ClientFrame } | { error: FrameError } {
  if (raw.length > MAX_FRAME_LENGTH) return { error: { code: 'too_long', message: frameErrors.tooLong } };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { error: { code: 'malformed', message: frameErrors.malformed } };
  }
  const type = (value as { type?: unknown } | null)?.type;
  const schema = typeof type === 'string' && Object.hasOwn(frameSchemas, type) ? frameSchemas[type as ClientFrame['type']] : null;
  if (!schema) {
    return {
      error: { code: 'malformed', message: `Không hiểu loại tin ${JSON.stringify(type ?? null)}; hãy dùng "hello", "message" hoặc "clear".` },
    };
  }
  const result = schema.safeParse(value);
  if (result.success) return { frame: result.data };
  const id = frameIdOf(value);
  const tooLong = result.error.issues.some((i) => i.code === 'too_big' && i.path[0] === 'text');
  if (tooLong) return { error: { code: 'too_long', message: frameErrors.tooLong, id } };
  return { error: { code: 'malformed', message: result.error.issues.map((issue) => describeIssue(issue as Parameters<typeof describeIssue>[0])).join(' '), id } };
}
