import { z } from 'zod';

/** Shared by /api/chat and the widget socket. */
export const MAX_MESSAGE_LENGTH = 2000;

export const sessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'sessionId phải gồm 8–64 ký tự chữ, số, "-" hoặc "_".');

export const quickReplySchema = z.object({ title: z.string(), payload: z.string() });
export const linkSchema = z.object({ title: z.string(), url: z.string() });
export const replySchema = z.object({
  text: z.string(),
  quickReplies: z.array(quickReplySchema).optional(),
  links: z.array(linkSchema).optional(),
});
