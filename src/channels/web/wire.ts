/**
 * The widget's wire protocol (WebSocket /ws/chat, JSON text frames), version 1: the types and limits both ends
 * share. Zod-free on purpose: the browser bundle imports this file, the server validates with the zod schemas in
 * protocol.ts. The full description, with examples, is docs/widget-protocol.md.
 */
export const PROTOCOL_VERSION = 1;

/** Longest text a citizen may send in one message (the widget's input enforces it too). */
export const MAX_MESSAGE_LENGTH = 2000;
/** Longest quick-reply payload. */
export const MAX_PAYLOAD_LENGTH = 200;
/** Longest raw frame read at all: a full-length message with room for JSON escapes and the envelope. */
export const MAX_FRAME_LENGTH = 2 * MAX_MESSAGE_LENGTH + 1000;

/** Widget session id: chosen by the widget (random), kept in the browser's localStorage. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** Client message id (dedupe key within a session) and commune id. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface WireQuickReply {
  title: string;
  payload: string;
}
export interface WireLink {
  title: string;
  url: string;
}
export interface WireReply {
  text: string;
  quickReplies?: WireQuickReply[];
  links?: WireLink[];
  /** A message pushed under this id that comes again with an answer (its push was confirmed too late): shown once. */
  pushId?: string;
}
export interface WireAnnouncement {
  id: string;
  title: string;
  body: string;
  publishedAt: string | null;
}

/** Client → server. */
export type ClientFrame =
  /** First frame of a connection (may be sent again to change session or commune). */
  | { type: 'hello'; v: number; sessionId?: string; commune?: string }
  /** Exactly one of text (typed) or payload (a tapped quick reply); `id` is unique per message within a session. */
  | { type: 'message'; id: string; text?: string; payload?: string }
  /** "Xóa cuộc trò chuyện": forget the session on the server. */
  | { type: 'clear' };

export type ErrorCode =
  | 'malformed'
  | 'unsupported_version'
  | 'hello_required'
  | 'too_long'
  | 'rate_limited'
  | 'internal';

/** Server → client. */
export type ServerFrame =
  | { type: 'welcome'; v: number; sessionId: string }
  /** The bot's answer to message `id` (sent again, identical, when the same id arrives twice). */
  | { type: 'reply'; id: string; replies: WireReply[] }
  | { type: 'cleared' }
  | { type: 'announcement'; announcement: WireAnnouncement }
  /** Messages the service sends unasked to this session (an officer's reply); `id` is unique per push. */
  | { type: 'push'; id: string; replies: WireReply[] }
  /** `id` names the message the error is about, when there is one; `message` is Vietnamese, for the citizen. */
  | { type: 'error'; code: ErrorCode; message: string; id?: string };
