/**
 * Hand-written checks of everything the widget receives (socket frames, API bodies): the server validates with
 * zod, the browser bundle stays small. Anything that does not fit is dropped, never rendered half-checked.
 */
import type {
  ErrorCode,
  ServerFrame,
  WireAnnouncement,
  WireLink,
  WireQuickReply,
  WireReply,
} from '../../src/channels/web/wire.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): v is string | undefined => v === undefined || isStr(v);

function pairs<T>(v: unknown, a: 'title', b: 'payload' | 'url'): T[] | undefined | null {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return null;
  const out = v.filter((x): x is Obj => isObj(x) && isStr(x[a]) && isStr(x[b])).map((x) => ({ [a]: x[a], [b]: x[b] }));
  return out.length === v.length ? (out as T[]) : null;
}

export function parseReplies(v: unknown): WireReply[] | null {
  if (!Array.isArray(v)) return null;
  const out: WireReply[] = [];
  for (const r of v) {
    if (!isObj(r) || !isStr(r.text)) return null;
    const quickReplies = pairs<WireQuickReply>(r.quickReplies, 'title', 'payload');
    const links = pairs<WireLink>(r.links, 'title', 'url');
    if (quickReplies === null || links === null) return null;
    if (!optStr(r.pushId)) return null;
    out.push({ text: r.text, quickReplies, links, pushId: r.pushId });
  }
  return out;
}

export function parseAnnouncement(v: unknown): WireAnnouncement | null {
  if (!isObj(v) || !isStr(v.id) || !isStr(v.title) || !isStr(v.body)) return null;
  const publishedAt = isStr(v.publishedAt) ? v.publishedAt : null;
  return { id: v.id, title: v.title, body: v.body, publishedAt };
}

const ERROR_CODES: readonly ErrorCode[] = ['malformed', 'unsupported_version', 'hello_required', 'too_long', 'rate_limited', 'internal'];

export function parseServerFrame(raw: string): ServerFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObj(v)) return null;
  switch (v.type) {
    case 'welcome':
      return typeof v.v === 'number' && isStr(v.sessionId) ? { type: 'welcome', v: v.v, sessionId: v.sessionId } : null;
    case 'reply': {
      const replies = parseReplies(v.replies);
      return isStr(v.id) && replies ? { type: 'reply', id: v.id, replies } : null;
    }
    case 'push': {
      const replies = parseReplies(v.replies);
      return isStr(v.id) && replies ? { type: 'push', id: v.id, replies } : null;
    }
    case 'cleared':
      return { type: 'cleared' };
    case 'announcement': {
      const announcement = parseAnnouncement(v.announcement);
      return announcement ? { type: 'announcement', announcement } : null;
    }
    case 'error':
      return ERROR_CODES.includes(v.code as ErrorCode) && isStr(v.message) && optStr(v.id)
        ? { type: 'error', code: v.code as ErrorCode, message: v.message, id: v.id }
        : null;
    default:
      return null;
  }
}

/** A list from an API body that is either the array itself or `{ <key>: [...] }`. */
export function listOf<T>(body: unknown, key: string, item: (v: unknown) => T | null): T[] | null {
  const list = Array.isArray(body) ? body : isObj(body) && Array.isArray(body[key]) ? body[key] : null;
  return list ? list.map(item).filter((x): x is T => x !== null) : null;
}

export interface Commune {
  id: string;
  name: string;
}

export function parseCommune(v: unknown): Commune | null {
  if (!isObj(v) || !isStr(v.id) || !isStr(v.name)) return null;
  const kind = v.type === 'xa' ? 'Xã' : v.type === 'phuong' ? 'Phường' : v.type === 'dac_khu' ? 'Đặc khu' : '';
  return { id: v.id, name: kind && !v.name.startsWith(kind) ? `${kind} ${v.name}` : v.name };
}
