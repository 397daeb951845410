import type { Reply } from '../../engine/types.js';

/** A consultation text message holds at most 2,000 characters (reference §5.3), counted after NFC. */
export const ZALO_MAX_TEXT_LENGTH = 2000;
/** At most 5 buttons per message (reference §2.2). */
export const ZALO_MAX_BUTTONS = 5;

export interface ZaloButton {
  title: string;
  type: 'oa.query.show';
  payload: string;
}

/** The `message` object of POST /v3.0/oa/message/cs. */
export interface ZaloOutgoingMessage {
  text: string;
  attachment?: { type: 'template'; payload: { buttons: ZaloButton[] } };
}

// Where a chunk may end, best first; each pattern's match marks the end of the chunk (before it, or after group 1).
const BOUNDARIES: { pattern: RegExp; endsAfterMatch: boolean }[] = [
  { pattern: /\n[^\S\n]*\n/g, endsAfterMatch: false },
  { pattern: /[.!?…]+["'”’)\]]*(?=\s)/g, endsAfterMatch: true },
  { pattern: /\n/g, endsAfterMatch: false },
  { pattern: /\s/g, endsAfterMatch: false },
];

/** Where to end the next chunk: the last good boundary in the second half of the allowed length. */
function chunkEnd(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const earliest = Math.floor(max / 2);
  for (const { pattern, endsAfterMatch } of BOUNDARIES) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      const end = endsAfterMatch ? match.index + match[0].length : match.index;
      if (end <= max && end >= earliest) best = end;
    }
    if (best > 0) return best;
  }
  // No boundary at all: cut hard, but never between the two halves of a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** Splits a text into messages of at most `max` characters, at paragraph or sentence ends where there are any. */
export function splitText(text: string, max = ZALO_MAX_TEXT_LENGTH): string[] {
  const chunks: string[] = [];
  let rest = text.normalize('NFC').trim();
  while (rest.length > max) {
    const end = chunkEnd(rest, max);
    chunks.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(end).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** The citizen answers a numbered menu with "1", "2"…; the engine maps the number back to the quick reply. */
export function numberedMenu(titles: readonly string[]): string {
  return ['Nhắn số để chọn:', ...titles.map((title, i) => `${i + 1}. ${title}`)].join('\n');
}

/**
 * One engine reply as Zalo messages: links as text lines, quick replies as `oa.query.show` buttons on the last
 * message when buttons are on and there are few enough, otherwise as a numbered menu; split to Zalo's length limit.
 */
export function renderReply(reply: Reply, options: { quickReplyButtons: boolean }): ZaloOutgoingMessage[] {
  const quickReplies = reply.quickReplies ?? [];
  const asButtons = options.quickReplyButtons && quickReplies.length > 0 && quickReplies.length <= ZALO_MAX_BUTTONS;
  const parts = [reply.text.trim()];
  if (reply.links?.length) parts.push(reply.links.map((link) => `${link.title}: ${link.url}`).join('\n'));
  if (quickReplies.length && !asButtons) parts.push(numberedMenu(quickReplies.map((q) => q.title)));
  const messages: ZaloOutgoingMessage[] = splitText(parts.filter(Boolean).join('\n\n')).map((text) => ({ text }));
  const last = messages.at(-1);
  if (asButtons && last) {
    last.attachment = {
      type: 'template',
      payload: { buttons: quickReplies.map((q) => ({ title: q.title, type: 'oa.query.show', payload: q.payload })) },
    };
  }
  return messages;
}
