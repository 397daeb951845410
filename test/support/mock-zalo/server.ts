import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, provinceWallTime, systemClock } from '../../../src/clock.js';
import { signZaloEvent } from './sign.js';

/**
 * A local Zalo for tests and development: a real HTTP server on 127.0.0.1 that implements the OA endpoints the
 * service uses, with Zalo's behaviour (reference §0 "Mock server"): rotating single-use refresh tokens, expiring
 * access tokens, application errors inside HTTP-200 bodies (-216 bad token, -230 outside the 7-day window for a
 * follower, -213 for a non-follower outside it: inside it, followers and non-followers alike receive messages; -32 rate limit), and a webhook sender that signs events like Zalo does. Every accepted message is
 * recorded so tests can count replies per user.
 */
export interface MockZaloOptions {
  appId?: string;
  appSecret?: string;
  oaSecretKey?: string;
  oaId?: string;
  /** The pair the service is seeded with (ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN). */
  accessToken?: string;
  refreshToken?: string;
  /** Lifetime of issued access tokens; Zalo's is 90000 s (25 h). */
  accessTokenTtlSeconds?: number;
  /** Calls per minute before -32 (Zalo: 4,000 per app). */
  rateLimitPerMinute?: number;
  /** Share the service's ManualClock to move windows and expiry together. */
  clock?: Clock;
  /** Where events are POSTed (the service's /webhooks/zalo). */
  webhookUrl?: string;
  port?: number;
  /** Development only: accept any refresh token, so a service restarted against a fresh mock can recover. */
  acceptUnknownRefreshTokens?: boolean;
}

export interface MockUser {
  userId: string;
  follower: boolean;
  /** Epoch ms of the user's last interaction with the OA (what the 7-day window counts from). */
  lastInteractionAt: number | null;
  tags: Set<string>;
  displayName: string;
}

export interface AcceptedMessage {
  messageId: string;
  userId: string;
  text: string;
  /** The `message` object as the service sent it. */
  message: { text?: string; attachment?: unknown };
  at: Date;
}

export interface SendAttempt {
  userId: string | null;
  /** 0 when accepted. */
  error: number;
}

export interface DeliveryOptions {
  /** Called the moment the service's status line arrives, before its body (to kill it "right after the 200"). */
  onStatus?: (status: number) => void;
}

export interface WebhookDelivery {
  status: number;
  body: string;
  rawBody: string;
}

type ZaloEventBody = Record<string, unknown> & { event_name: string; timestamp: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_TEXT = 2000;
const GETLIST_MAX_COUNT = 50;
const GETLIST_MAX_OFFSET = 9951;

const ZALO_ERRORS = {
  [-32]: 'Reached limit call api',
  [-200]: 'Send message failed',
  [-201]: 'Invalid parameter',
  [-210]: 'Parameter exceeds limit',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-230]: 'User has not interacted with the OA in the past 7 days',
} as const;
type MockErrorCode = keyof typeof ZALO_ERRORS;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const INTERACTIONS = /^(user_send_|follow$|user_submit_info$|user_click_chatnow$)/;

export class MockZalo {
  readonly appId: string;
  readonly appSecret: string;
  readonly oaSecretKey: string;
  readonly oaId: string;
  readonly clock: Clock;
  /** Every message/cs call and how it ended. */
  readonly sendAttempts: SendAttempt[] = [];
  /** Every message the mock accepted, in order. */
  readonly messages: AcceptedMessage[] = [];
  /** Every refresh request and whether it was accepted. */
  readonly tokenRequests: { refreshToken: string; accepted: boolean }[] = [];
  webhookUrl: string | undefined;

  readonly #server: Server;
  readonly #options: MockZaloOptions;
  readonly #users = new Map<string, MockUser>();
  /** Citizens' own text messages as Zalo keeps them (conversation history, src 1). */
  readonly #inbound: { userId: string; messageId: string; text: string; at: number }[] = [];
  readonly #accessTokens = new Map<string, number>();
  readonly #initialPair: { accessToken: string; refreshToken: string };
  #refreshToken: string;
  readonly #injected: number[] = [];
  /** Users whose next conversation-history read fails, with the error code. */
  readonly #injectedHistory = new Map<string, number>();
  #rateWindow = { startedAt: 0, calls: 0 };
  readonly #listeners = new Set<(message: AcceptedMessage) => void>();

  private constructor(server: Server, options: MockZaloOptions) {
    this.#server = server;
    this.#options = options;
    this.appId = options.appId ?? '1111111111111111111';
    this.appSecret = options.appSecret ?? 'mock-app-secret';
    this.oaSecretKey = options.oaSecretKey ?? 'TEST_OA_SECRET_KEY_01';
    this.oaId = options.oaId ?? '4444444444444444444';
    this.clock = options.clock ?? systemClock;
    this.webhookUrl = options.webhookUrl;
    this.#initialPair = {
      accessToken: options.accessToken ?? `mock-access-${hex(8)}`,
      refreshToken: options.refreshToken ?? `mock-refresh-${hex(8)}`,
    };
    this.#refreshToken = this.#initialPair.refreshToken;
    this.#accessTokens.set(this.#initialPair.accessToken, this.#expiryFromNow());
  }

  static async start(options: MockZaloOptions = {}): Promise<MockZalo> {
    let mock: MockZalo | undefined;
    const server = createServer((req, res) => {
      void mock!.#route(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    mock = new MockZalo(server, options);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return mock;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Environment for a service that talks to this mock (the seed pair; the service rotates it afterwards). */
  env(): Record<string, string> {
    return {
      ZALO_APP_ID: this.appId,
      ZALO_APP_SECRET: this.appSecret,
      ZALO_OA_SECRET_KEY: this.oaSecretKey,
      ZALO_ACCESS_TOKEN: this.#initialPair.accessToken,
      ZALO_REFRESH_TOKEN: this.#initialPair.refreshToken,
      ZALO_API_BASE: this.url,
      ZALO_OAUTH_BASE: this.url,
    };
  }

  /** The refresh token the mock currently accepts (the only live one). */
  get currentRefreshToken(): string {
    return this.#refreshToken;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  // ——— Controls for tests ———

  /** Every access token issued so far stops working (-216), as after ~25 h. */
  expireAccessTokens(): void {
    for (const token of this.#accessTokens.keys()) this.#accessTokens.set(token, 0);
  }

  /** The next `count` message/cs calls fail with `code` (e.g. -32 rate limit, -200 send failed). */
  failNextSends(code: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#injected.push(code);
  }

  /** The next read of the user's conversation history fails with `code` (the history "cannot say"). */
  failNextHistoryRead(userId: string, code: number): void {
    this.#injectedHistory.set(userId, code);
  }

  /** Creates or changes a user (follower status, last interaction for the 7-day window). */
  setUser(userId: string, patch: Partial<Omit<MockUser, 'userId'>> = {}): MockUser {
    const user = this.#users.get(userId) ?? {
      userId,
      follower: true,
      lastInteractionAt: null,
      tags: new Set<string>(),
      displayName: `Người dùng ${userId.slice(-4)}`,
    };
    Object.assign(user, patch);
    this.#users.set(userId, user);
    return user;
  }

  user(userId: string): MockUser | undefined {
    return this.#users.get(userId);
  }

  messagesTo(userId: string): AcceptedMessage[] {
    return this.messages.filter((m) => m.userId === userId);
  }

  onMessage(listener: (message: AcceptedMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once `count` messages to the user were accepted; rejects after `timeoutMs` saying how many came. */
  waitForMessages(userId: string, count: number, timeoutMs = 5000): Promise<AcceptedMessage[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const received = this.messagesTo(userId);
        if (received.length < count) return false;
        stop();
        clearTimeout(timer);
        resolve(received);
        return true;
      };
      const stop = this.onMessage(() => void check());
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`expected ${count} message(s) to ${userId}, got ${this.messagesTo(userId).length}`));
      }, timeoutMs);
      check();
    });
  }

  // ——— Events, as Zalo sends them ———

  /** A `user_send_text` event (key order as Zalo emits it); pass `msgId` to control deduplication. */
  textEvent(userId: string, text: string, msgId = hex(10)): ZaloEventBody {
    return {
      app_id: this.appId,
      sender: { id: userId },
      user_id_by_app: `9${userId.slice(1)}`,
      recipient: { id: this.oaId },
      event_name: 'user_send_text',
      message: { text, msg_id: msgId },
      timestamp: this.#now(),
    };
  }

  attachmentEvent(userId: string, kind: 'image' | 'sticker' | 'file' | 'location' | 'gif' | 'audio' | 'video' | 'link') {
    const payload = kind === 'location' ? { coordinates: { latitude: '20.94', longitude: '106.33' } } : { url: 'https://zalo.me/x' };
    return {
      app_id: this.appId,
      sender: { id: userId },
      recipient: { id: this.oaId },
      event_name: `user_send_${kind}`,
      message: { msg_id: hex(10), attachments: [{ type: kind, payload }] },
      timestamp: this.#now(),
    };
  }

  followEvent(userId: string, follow = true): ZaloEventBody {
    return {
      oa_id: this.oaId,
      follower: { id: userId },
      event_name: follow ? 'follow' : 'unfollow',
      source: 'oa_profile',
      app_id: this.appId,
      timestamp: this.#now(),
    };
  }

  submitInfoEvent(userId: string, address: { ward?: string; city?: string; address?: string }): ZaloEventBody {
    return {
      app_id: this.appId,
      sender: { id: userId },
      recipient: { id: this.oaId },
      event_name: 'user_submit_info',
      info: {
        name: 'Nguyễn Văn A',
        phone: '84900000000',
        full_address: { user_ward: address.ward, user_city: address.city, user_address: address.address },
      },
      timestamp: this.#now(),
    };
  }

  /** The OA's echo of a message it sent (the service must ignore it). */
  echoEvent(userId: string, text: string): ZaloEventBody {
    return {
      app_id: this.appId,
      sender: { id: this.oaId },
      recipient: { id: userId },
      event_name: 'oa_send_text',
      message: { text, msg_id: hex(10) },
      timestamp: this.#now(),
    };
  }

  /**
   * Signs and POSTs an event to the service; the user's follow state and last interaction change first, as on Zalo.
   * Sending the same object again is a redelivery (same bytes, same msg_id).
   */
  async deliver(event: ZaloEventBody, options: DeliveryOptions = {}): Promise<WebhookDelivery> {
    this.#observe(event);
    const rawBody = JSON.stringify(event);
    const signature = signZaloEvent(this.appId, rawBody, event.timestamp, this.oaSecretKey);
    return this.post(rawBody, { 'x-zevent-signature': signature }, options);
  }

  /** The user types a message (a follower unless set otherwise with setUser). */
  userSendsText(userId: string, text: string, msgId?: string): Promise<WebhookDelivery> {
    return this.deliver(this.textEvent(userId, text, msgId));
  }

  /** POSTs any bytes with any headers: forged, unsigned and random bodies. */
  post(rawBody: string, headers: Record<string, string> = {}, options: DeliveryOptions = {}): Promise<WebhookDelivery> {
    if (!this.webhookUrl) throw new Error('MockZalo: set webhookUrl before sending events');
    const target = new URL(this.webhookUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false },
        (res) => {
          options.onStatus?.(res.statusCode ?? 0);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, rawBody }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(rawBody);
    });
  }

  #observe(event: ZaloEventBody): void {
    // user_click_chatnow carries a top-level user_id; follow events follower.id; messages sender.id.
    const userId =
      (event.sender as { id?: string } | undefined)?.id ??
      (event.follower as { id?: string } | undefined)?.id ??
      (typeof event.user_id === 'string' ? event.user_id : undefined);
    if (!userId || event.event_name.startsWith('oa_')) return;
    const message = event.message as { msg_id?: string; text?: string } | undefined;
    if (event.event_name === 'user_send_text' && message?.text !== undefined) {
      this.#inbound.push({ userId, messageId: message.msg_id ?? hex(10), text: message.text, at: Number(event.timestamp) });
    }
    const user = this.#users.get(userId) ?? this.setUser(userId);
    if (event.event_name === 'follow') user.follower = true;
    if (event.event_name === 'unfollow') user.follower = false;
    if (INTERACTIONS.test(event.event_name)) user.lastInteractionAt = Number(event.timestamp);
  }

  #now(): string {
    return String(this.clock.now().getTime());
  }

  #expiryFromNow(): number {
    return this.clock.now().getTime() + (this.#options.accessTokenTtlSeconds ?? 90_000) * 1000;
  }

  // ——— The API ———

  async #route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://mock');
    const raw = await readBody(req);
    const key = `${req.method} ${url.pathname}`;
    if (key === 'POST /v4/oa/access_token') return this.#token(req, raw, res);

    const api = this.#apiHandlers[key];
    if (!api) return sendJson(res, 404, { error: 404, message: `mock Zalo has no ${key}` });
    const token = req.headers.access_token;
    const expiresAt = typeof token === 'string' ? this.#accessTokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= this.clock.now().getTime()) return this.#fail(res, -216);
    if (!this.#withinRateLimit()) return this.#fail(res, -32);
    const input = req.method === 'GET' ? parseJson(url.searchParams.get('data') ?? '{}') : parseJson(raw);
    if (!input || typeof input !== 'object') return this.#fail(res, -201);
    return api(input as Record<string, unknown>, res);
  }

  readonly #apiHandlers: Record<string, (input: Record<string, unknown>, res: ServerResponse) => unknown> = {
    'POST /v3.0/oa/message/cs': (input, res) => this.#sendMessage(input, res),
    'GET /v3.0/oa/user/detail': (input, res) => {
      const user = typeof input.user_id === 'string' ? this.#users.get(input.user_id) : undefined;
      if (!user) return this.#fail(res, -201);
      this.#ok(res, {
        user_id: user.userId,
        user_id_by_app: `9${user.userId.slice(1)}`,
        display_name: user.displayName,
        user_is_follower: user.follower,
        user_last_interaction_date: user.lastInteractionAt ? ddmmyyyy(new Date(user.lastInteractionAt)) : '',
        tags_and_notes_info: { tag_names: [...user.tags], notes: [] },
      });
    },
    'GET /v3.0/oa/user/getlist': (input, res) => this.#getList(input, res),
    // Conversation history, newest first: the OA's messages (src 0) and the citizen's own (src 1).
    'GET /v2.0/oa/conversation': (input, res) => {
      const userId = input.user_id;
      if (typeof userId !== 'string') return this.#fail(res, -201);
      const injected = this.#injectedHistory.get(userId);
      this.#injectedHistory.delete(userId);
      if (injected !== undefined) return this.#fail(res, injected);
      const offset = Number(input.offset ?? 0);
      const count = Math.min(Number(input.count ?? 10), 10);
      const fromOa = this.messagesTo(userId).map((m) => ({
        src: 0,
        time: m.at.getTime(),
        type: 'text',
        message: m.text,
        message_id: m.messageId,
        from_id: this.oaId,
        to_id: m.userId,
      }));
      const fromUser = this.#inbound
        .filter((m) => m.userId === userId)
        .map((m) => ({ src: 1, time: m.at, type: 'text', message: m.text, message_id: m.messageId, from_id: userId, to_id: this.oaId }));
      const page = [...fromOa, ...fromUser].sort((a, b) => b.time - a.time).slice(offset, offset + count);
      this.#ok(res, page);
    },
    'POST /v2.0/oa/tag/tagfollower': (input, res) => this.#tag(input, res, (user, tag) => user.tags.add(tag)),
    'POST /v2.0/oa/tag/rmfollowerfromtag': (input, res) => this.#tag(input, res, (user, tag) => user.tags.delete(tag)),
    'POST /v2.0/oa/tag/rmtag': (input, res) => {
      if (typeof input.tag_name !== 'string') return this.#fail(res, -201);
      for (const user of this.#users.values()) user.tags.delete(input.tag_name);
      this.#ok(res, undefined);
    },
    'GET /v2.0/oa/tag/gettagsofoa': (_input, res) => {
      this.#ok(res, [...new Set([...this.#users.values()].flatMap((u) => [...u.tags]))]);
    },
    'GET /v2.0/oa/getoa': (_input, res) => {
      this.#ok(res, { oa_id: this.oaId, name: 'OA thử nghiệm', is_verified: true, package_name: 'mock', num_follower: this.#followers().length });
    },
  };

  #sendMessage(input: Record<string, unknown>, res: ServerResponse) {
    const userId = (input.recipient as { user_id?: unknown } | undefined)?.user_id;
    const message = input.message as AcceptedMessage['message'] | undefined;
    const attempt = (error: number) => {
      this.sendAttempts.push({ userId: typeof userId === 'string' ? userId : null, error });
      return error;
    };
    const injected = this.#injected.shift();
    if (injected !== undefined) return this.#fail(res, attempt(injected));
    if (typeof userId !== 'string' || !message || typeof message !== 'object') return this.#fail(res, attempt(-201));
    if (typeof message.text !== 'string' && !message.attachment) return this.#fail(res, attempt(-201));
    if (typeof message.text === 'string' && [...message.text.normalize('NFC')].length > MAX_TEXT) {
      return this.#fail(res, attempt(-210));
    }
    const user = this.#users.get(userId);
    if (!user) return this.#fail(res, attempt(-201));
    // Consultation messages need an interaction within 7 days; following is not a condition.
    const withinWindow = user.lastInteractionAt !== null && this.clock.now().getTime() - user.lastInteractionAt <= 7 * DAY_MS;
    if (!withinWindow) return this.#fail(res, attempt(user.follower ? -230 : -213));

    attempt(0);
    const accepted: AcceptedMessage = { messageId: hex(16), userId, text: message.text ?? '', message, at: this.clock.now() };
    this.messages.push(accepted);
    for (const listener of this.#listeners) listener(accepted);
    this.#ok(res, {
      message_id: accepted.messageId,
      user_id: userId,
      sent_time: String(accepted.at.getTime()),
      quota: { quota_type: 'reply', owner_type: 'OA', owner_id: this.oaId },
    });
  }

  #getList(input: Record<string, unknown>, res: ServerResponse) {
    const offset = Number(input.offset ?? 0);
    const count = Number(input.count ?? 0);
    if (!Number.isInteger(offset) || offset < 0 || offset > GETLIST_MAX_OFFSET) return this.#fail(res, -201);
    if (!Number.isInteger(count) || count < 1 || count > GETLIST_MAX_COUNT) return this.#fail(res, -201);
    const since = periodStart(input.last_interaction_period, this.clock.now());
    if (since === undefined) return this.#fail(res, -201);
    const users = [...this.#users.values()].filter(
      (u) =>
        (typeof input.tag_name !== 'string' || u.tags.has(input.tag_name)) &&
        (input.is_follower === undefined || String(u.follower) === String(input.is_follower)) &&
        (since === null || (u.lastInteractionAt ?? 0) >= since),
    );
    const page = users.slice(offset, offset + count).map((u) => ({ user_id: u.userId }));
    this.#ok(res, { total: users.length, count: page.length, offset, users: page });
  }

  #tag(input: Record<string, unknown>, res: ServerResponse, change: (user: MockUser, tag: string) => void) {
    const user = typeof input.user_id === 'string' ? this.#users.get(input.user_id) : undefined;
    if (!user || typeof input.tag_name !== 'string' || !input.tag_name) return this.#fail(res, -201);
    if (!user.follower) return this.#fail(res, -213);
    change(user, input.tag_name);
    this.#ok(res, undefined);
  }

  #followers(): MockUser[] {
    return [...this.#users.values()].filter((u) => u.follower);
  }

  #token(req: IncomingMessage, raw: string, res: ServerResponse) {
    const form = new URLSearchParams(raw);
    const refreshToken = form.get('refresh_token') ?? '';
    const refuse = (error: number, name: string) => {
      this.tokenRequests.push({ refreshToken, accepted: false });
      sendJson(res, 200, { error, error_name: name, error_reason: name, error_description: name, ref_doc: '' });
    };
    if (req.headers.secret_key !== this.appSecret) return refuse(-14004, 'Invalid secret key');
    if (form.get('app_id') !== this.appId) return refuse(-14002, 'Invalid appId');
    if (form.get('grant_type') !== 'refresh_token') return refuse(-14001, 'Invalid grant_type');
    if (refreshToken !== this.#refreshToken && !this.#options.acceptUnknownRefreshTokens) {
      return refuse(-14020, 'Invalid refresh token');
    }
    // Rotation: the refresh token just used dies; a new pair is issued.
    this.tokenRequests.push({ refreshToken, accepted: true });
    const accessToken = `mock-access-${hex(8)}`;
    this.#refreshToken = `mock-refresh-${hex(8)}`;
    this.#accessTokens.set(accessToken, this.#expiryFromNow());
    sendJson(res, 200, {
      access_token: accessToken,
      refresh_token: this.#refreshToken,
      expires_in: String(this.#options.accessTokenTtlSeconds ?? 90_000),
    });
  }

  #withinRateLimit(): boolean {
    const now = this.clock.now().getTime();
    if (now - this.#rateWindow.startedAt >= 60_000) this.#rateWindow = { startedAt: now, calls: 0 };
    this.#rateWindow.calls++;
    return this.#rateWindow.calls <= this.#rateLimit;
  }

  get #rateLimit(): number {
    return this.#options.rateLimitPerMinute ?? 4000;
  }

  #rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.#rateLimit),
      'x-ratelimit-remain': String(Math.max(0, this.#rateLimit - this.#rateWindow.calls)),
    };
  }

  #ok(res: ServerResponse, data: unknown): void {
    sendJson(res, 200, { data, error: 0, message: 'Success' }, this.#rateHeaders());
  }

  #fail(res: ServerResponse, code: number): void {
    sendJson(res, 200, { error: code, message: ZALO_ERRORS[code as MockErrorCode] ?? 'Error' }, this.#rateHeaders());
  }
}

export const startMockZalo = (options?: MockZaloOptions) => MockZalo.start(options);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function ddmmyyyy(at: Date): string {
  const [y, m, d] = provinceWallTime(at).date.split('-');
  return `${d}/${m}/${y}`;
}

/** Start of a getlist `last_interaction_period` (null: no filter; undefined: not understood). */
function periodStart(period: unknown, now: Date): number | null | undefined {
  if (period === undefined) return null;
  const days = { TODAY: 1, YESTERDAY: 2, L7D: 7, L30D: 30 }[String(period)];
  return days === undefined ? undefined : now.getTime() - days * DAY_MS;
}
