import type { Reply } from '../../engine/types.js';
import { Memo } from '../../memo.js';

/**
 * Bot replies are mostly the same few hundred answer texts, each 0.5–2 KB of Vietnamese: escaping one for JSON
 * costs several µs inside a request, so each text is escaped once (texts that vary, like a screening question with
 * the household's figures, just pass through the cache).
 */
const escapedTexts = new Memo<string>(2048);

/**
 * `replies` as the JSON array the widget protocol and POST /api/chat document (replySchema): text, then quick
 * replies and links when present, with only their documented fields. A test checks it equals the schema's output.
 */
export function repliesJson(replies: readonly Reply[]): string {
  let json = '[';
  for (let i = 0; i < replies.length; i++) {
    const { text, quickReplies, links, pushId } = replies[i]!;
    json += `${i > 0 ? ',' : ''}{"text":${escapedTexts.get(text, JSON.stringify)}`;
    if (quickReplies) json += `,"quickReplies":${JSON.stringify(quickReplies.map(({ title, payload }) => ({ title, payload })))}`;
    if (links) json += `,"links":${JSON.stringify(links.map(({ title, url }) => ({ title, url })))}`;
    if (pushId !== undefined) json += `,"pushId":${JSON.stringify(pushId)}`;
    json += '}';
  }
  return `${json}]`;
}
