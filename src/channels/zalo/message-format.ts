import type { Reply } from '../../engine/types.js';

/** A consultation text message holds at most 2,000 characters (reference §5.3), counted after NFC. */
export const ZALO_MAX_TEXT_LENGTH = 2000;
/** At most 5 buttons per message (reference §2.2). */
export const ZALO_MAX_BUTTONS = 5;

export interface ZaloButton {
  title: string;
  /** `oa.query.hide`: the tap sends the payload without showing it as the citizen's own message (`show` echoes it). */
  type: 'oa.query.hide';
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

/** A reply's links as the text lines Zalo shows (a consultation text message has no link attachments). */
function linkLines(reply: Reply): string {
  return (reply.links ?? []).map((link) => `${link.title}: ${link.url}`).join('\n');
}

/**
 * One engine reply as Zalo messages: links as text lines, quick replies as `oa.query.hide` buttons on the last
 * message when buttons are on and there are few enough, otherwise as a numbered menu; split to Zalo's length limit.
 */
export function renderReply(reply: Reply, options: { quickReplyButtons: boolean }): ZaloOutgoingMessage[] {
  const quickReplies = reply.quickReplies ?? [];
  const asButtons = options.quickReplyButtons && quickReplies.length > 0 && quickReplies.length <= ZALO_MAX_BUTTONS;
  const parts = [reply.text.trim(), linkLines(reply)];
  if (quickReplies.length && !asButtons) parts.push(numberedMenu(quickReplies.map((q) => q.title)));
  const messages: ZaloOutgoingMessage[] = splitText(parts.filter(Boolean).join('\n\n')).map((text) => ({ text }));
  const last = messages.at(-1);
  if (asButtons && last) {
    last.attachment = {
      type: 'template',
      payload: { buttons: quickReplies.map((q) => ({ title: q.title, type: 'oa.query.hide', payload: q.payload })) },
    };
  }
  return messages;
}

/** The longest a reply renders to (menu included, as when buttons are off). */
function renderedLength(reply: Reply): number {
  return renderReply(reply, { quickReplyButtons: false }).reduce((sum, m) => sum + m.text.length + 2, -2);
}

/** What a phone shows without scrolling far; a merged message stays under it when two messages can hold the turn. */
const PHONE_MESSAGE_LENGTH = 1000;

/** Consecutive replies merged while the merged one renders to one message of at most `limit` characters. */
function merged(replies: readonly Reply[], limit: number): Reply[] {
  const packed: Reply[] = [];
  for (const reply of replies) {
    const previous = packed.at(-1);
    if (previous) {
      const body = [previous.text.trim(), linkLines(previous)].filter(Boolean).join('\n\n');
      const joined: Reply = { ...reply, text: `${body}\n\n${reply.text.trim()}` };
      if (renderedLength(joined) <= limit) {
        packed[packed.length - 1] = joined;
        continue;
      }
    }
    packed.push(reply);
  }
  return packed;
}

/**
 * A turn's replies as at most two Zalo messages where they fit (four bubbles for one answer read as spam on a
 * phone). Replies are merged only as far as needed: a turn of one or two replies is left alone; the first reply
 * stays on its own when the rest fit one message (on a first contact it is the privacy notice, which reads apart
 * from the answer); merged messages stay within PHONE_MESSAGE_LENGTH when that is enough, else Zalo's 2,000.
 * A merged reply keeps the earlier replies' links as text and only the last one's quick replies, the only ones a
 * typed number can answer (the engine remembers the last reply's).
 */
export function packReplies(replies: readonly Reply[]): Reply[] {
  if (replies.length <= 2) return [...replies];
  const [first, ...rest] = replies;
  for (const limit of [PHONE_MESSAGE_LENGTH, ZALO_MAX_TEXT_LENGTH]) {
    const tail = merged(rest, limit);
    if (tail.length === 1) return [first!, ...tail];
    const all = merged(replies, limit);
    if (all.length <= 2) return all;
  }
  return merged(replies, ZALO_MAX_TEXT_LENGTH);
}
