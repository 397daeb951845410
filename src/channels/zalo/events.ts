import { z } from 'zod';

/**
 * Zalo webhook events (reference §1.3–1.4), validated and reduced to what the channel acts on. Every id and the
 * timestamp stay strings: they exceed 2^53. Names, phones and street addresses of `user_submit_info` are dropped
 * here; only the place names that may identify a commune are kept.
 */
// Zalo's ids are digits; no id carries NUL or half of a surrogate pair, which no database or job key can hold.
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\u0000\ud800-\udfff]+$/, 'an id without control or unpaired surrogate characters');
const timestamp = z.string().regex(/^\d{1,16}$/, 'epoch milliseconds as a string');
const optionalText = z.string().max(500).optional();

/** The attachment kinds a citizen can send; the channel answers that only text is understood. */
export const MEDIA_EVENTS = {
  user_send_image: 'image',
  user_send_gif: 'gif',
  user_send_sticker: 'sticker',
  user_send_file: 'file',
  user_send_location: 'location',
  user_send_link: 'link',
  user_send_audio: 'audio',
  user_send_video: 'video',
  user_send_business_card: 'business_card',
} as const;
type MediaEventName = keyof typeof MEDIA_EVENTS;

const fromUser = { sender: z.object({ id }), timestamp };

const schemas = {
  user_send_text: z.object({
    ...fromUser,
    message: z.object({ msg_id: id, text: z.string().max(20_000) }),
  }),
  media: z.object({ ...fromUser, message: z.object({ msg_id: id }) }),
  follow: z.object({ follower: z.object({ id }), timestamp }),
  user_submit_info: z.object({
    ...fromUser,
    info: z
      .object({
        ward: optionalText,
        district: optionalText,
        city: optionalText,
        address: optionalText,
        full_address: z
          .object({ user_ward: optionalText, user_city: optionalText, user_address: optionalText })
          .optional(),
      })
      .optional(),
  }),
  /**
   * Seen for real with top-level `user_id` and `oa_id` and no `sender`; `sender.id` and `follower.id` are accepted
   * too (other events' shapes). The user's id is the first present.
   */
  user_click_chatnow: z
    .object({ timestamp, user_id: id.optional(), sender: z.object({ id }).optional(), follower: z.object({ id }).optional() })
    .transform((e, ctx) => {
      const userId = e.user_id ?? e.sender?.id ?? e.follower?.id;
      if (userId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['user_id'], message: 'no user id (user_id, sender.id or follower.id)' });
        return z.NEVER;
      }
      return { userId, timestamp: e.timestamp };
    }),
};

/** The normalised event: what the journal keeps until the event is handled. */
export const zaloEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), userId: id, msgId: id, text: z.string(), timestamp }),
  z.object({ kind: z.literal('media'), userId: id, msgId: id, media: z.string(), timestamp }),
  z.object({ kind: z.enum(['follow', 'unfollow', 'chat_now']), userId: id, timestamp }),
  /** Place names from the form, most specific first (ward before address), for the commune directory. */
  z.object({ kind: z.literal('submit_info'), userId: id, places: z.array(z.string()), timestamp }),
]);
export type ZaloEvent = z.infer<typeof zaloEvent>;

export type ClassifiedEvent =
  | { type: 'event'; event: ZaloEvent; dedupeKey: string }
  /** Known but needing nothing from us: the OA's own echoes, receipts, tag changes… */
  | { type: 'ignored'; eventName: string }
  /** An event name this channel does not know (group chats, ZNS…). */
  | { type: 'unknown'; eventName: string }
  /** Issues are paths and codes only, safe to log. */
  | { type: 'malformed'; eventName: string | null; issues: string[] };

const IGNORED_PREFIXES = ['oa_send_', 'anonymous_', 'oa_reacted_'];
const IGNORED = new Set([
  'user_received_message',
  'user_seen_message',
  'user_reacted_message',
  'add_user_to_tag',
  'remove_user_from_tag',
  'remove_tag',
  'update_user_info',
  'user_withdraw',
]);

function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}:${i.code}`);
}

/** Event names come from outside: keep them short and plain before they reach a log line. */
function safeName(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z_]{1,64}$/.test(value) ? value : null;
}

export function classifyZaloEvent(body: unknown): ClassifiedEvent {
  const name = safeName((body as { event_name?: unknown } | null)?.event_name);
  if (!name) return { type: 'malformed', eventName: null, issues: ['event_name:invalid'] };
  const parse = <S extends z.ZodType>(schema: S, build: (data: z.infer<S>) => ClassifiedEvent): ClassifiedEvent => {
    const result = schema.safeParse(body);
    return result.success ? build(result.data) : { type: 'malformed', eventName: name, issues: issuesOf(result.error) };
  };

  if (name === 'user_send_text') {
    return parse(schemas.user_send_text, (e) => ({
      type: 'event',
      dedupeKey: `msg:${e.message.msg_id}`,
      event: { kind: 'text', userId: e.sender.id, msgId: e.message.msg_id, text: e.message.text, timestamp: e.timestamp },
    }));
  }
  if (name in MEDIA_EVENTS) {
    return parse(schemas.media, (e) => ({
      type: 'event',
      dedupeKey: `msg:${e.message.msg_id}`,
      event: {
        kind: 'media',
        userId: e.sender.id,
        msgId: e.message.msg_id,
        media: MEDIA_EVENTS[name as MediaEventName],
        timestamp: e.timestamp,
      },
    }));
  }
  if (name === 'follow' || name === 'unfollow') {
    return parse(schemas.follow, (e) => ({
      type: 'event',
      dedupeKey: `evt:${name}:${e.follower.id}:${e.timestamp}`,
      event: { kind: name, userId: e.follower.id, timestamp: e.timestamp },
    }));
  }
  if (name === 'user_submit_info') {
    return parse(schemas.user_submit_info, (e) => {
      const info = e.info ?? {};
      const places = [info.full_address?.user_ward, info.ward, info.full_address?.user_address, info.address].filter(
        (p): p is string => typeof p === 'string' && p.trim() !== '',
      );
      return {
        type: 'event',
        dedupeKey: `evt:${name}:${e.sender.id}:${e.timestamp}`,
        event: { kind: 'submit_info', userId: e.sender.id, places, timestamp: e.timestamp },
      };
    });
  }
  if (name === 'user_click_chatnow') {
    return parse(schemas.user_click_chatnow, (e) => ({
      type: 'event',
      dedupeKey: `evt:${name}:${e.userId}:${e.timestamp}`,
      event: { kind: 'chat_now', userId: e.userId, timestamp: e.timestamp },
    }));
  }
  if (IGNORED.has(name) || IGNORED_PREFIXES.some((p) => name.startsWith(p))) return { type: 'ignored', eventName: name };
  return { type: 'unknown', eventName: name };
}
