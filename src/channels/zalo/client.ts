import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { ZaloSettings } from '../../config.js';
import type { Reply } from '../../engine/types.js';
import { type ZaloFailureKind, zaloErrorRule } from './errors.js';
import { renderReply, type ZaloOutgoingMessage } from './message-format.js';
import { type CallPacer, RateLimiter, type SharedQuota, SharedRateLimiter } from './rate-limiter.js';
import { TokenUnavailableError, type ZaloTokenManager } from './token-manager.js';

/** The outcome of one send, as the conversation and the announcement delivery record it. */
export type SendResult =
  | { ok: true; messageId: string }
  | {
      ok: false;
      /** Zalo's error code; null when Zalo gave no answer (network, HTTP 5xx) or no token was available. */
      code: number | null;
      kind: ZaloFailureKind;
      /** Why, in words, including Zalo's own message when it sent one. */
      reason: string;
      /** True when trying again later may succeed (rate limit, Zalo or network trouble). */
      retryable: boolean;
      /** How many of the reply's messages went out before the failure (long replies are split). */
      sent: number;
    };

/** What other parts of the service need to reach a Zalo user. */
export interface ZaloSender {
  /** Sends one reply (split to Zalo's limits, quick replies as buttons or a numbered menu). */
  sendText(userId: string, reply: Reply | string): Promise<SendResult>;
}

export interface ZaloHistory {
  /**
   * The messages the OA sent the user at or after `sinceMs` (epoch ms), from the conversation history
   * (GET /v2.0/oa/conversation, the latest 10): each one's text when Zalo gives it; null when Zalo cannot say or
   * the latest 10 do not reach back to `sinceMs`.
   */
  oaMessagesSince(userId: string, sinceMs: number): Promise<{ text: string | null }[] | null>;
}

/** Zalo returns at most 10 messages of a conversation per call. */
const HISTORY_PAGE = 10;
/** Pages of history read at most to decide a reply cut off by a crash. */
const HISTORY_PAGES = 5;
const conversationData = z.array(z.object({ src: z.number(), time: z.number(), message: z.unknown().optional() }).loose());

export interface RetryPolicy {
  /** Retries after a rate limit (-32), a network failure or an HTTP 5xx; -200 is retried once. */
  attempts: number;
  /** First back-off; doubles on each retry (with jitter). */
  baseDelayMs: number;
  /** How long to hold all calls when Zalo reports X-RateLimit-Remain: 0 (its quota is per minute). */
  exhaustedPauseMs: number;
}

export interface ZaloClientOptions {
  settings: Pick<ZaloSettings, 'apiBase' | 'quickReplyButtons' | 'maxRequestsPerMinute'>;
  tokens: ZaloTokenManager;
  log: FastifyBaseLogger;
  retry?: Partial<RetryPolicy>;
  /** Several instances: the OA's quota they share (else this instance paces its own calls). */
  quota?: SharedQuota;
}

type Failure = Omit<Extract<SendResult, { ok: false }>, 'sent'>;
type CallOutcome = { ok: true; data: unknown } | ({ ok: false } & Failure);

const envelope = z.object({ error: z.coerce.number().int(), message: z.string().optional(), data: z.unknown().optional() });
const sentData = z.object({ message_id: z.union([z.string(), z.number()]).transform(String) });

const REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, exhaustedPauseMs: 60_000 };

/**
 * The OA API on built-in fetch: `access_token` header, application errors read from HTTP-200 bodies and handled by
 * code (reference §5): retried with back-off, answered by one token refresh and one retry, or given up with the
 * reason. Calls are paced by a client-side limiter (ZALO_MAX_REQUESTS_PER_MINUTE, shared by the instances when a quota
 * is given) and Zalo's rate-limit headers.
 */
export class ZaloClient implements ZaloSender, ZaloHistory {
  readonly #options: ZaloClientOptions;
  readonly #retry: RetryPolicy;
  readonly #limiter: CallPacer;

  constructor(options: ZaloClientOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#limiter = options.quota ? new SharedRateLimiter(options.quota) : new RateLimiter(options.settings.maxRequestsPerMinute);
  }

  async sendText(userId: string, reply: Reply | string): Promise<SendResult> {
    const asReply = typeof reply === 'string' ? { text: reply } : reply;
    const messages = renderReply(asReply, { quickReplyButtons: this.#options.settings.quickReplyButtons });
    let messageId = '';
    for (const [index, message] of messages.entries()) {
      let result = await this.sendMessage(userId, message);
      // Button templates are not documented for every OA: refused, the message goes again with the numbered menu.
      if (!result.ok && message.attachment && (result.kind === 'invalid_request' || result.kind === 'configuration')) {
        this.#options.log.warn({ userId, zaloError: result.code }, 'Zalo refused the button template: sent as a numbered menu');
        const plain = renderReply(asReply, { quickReplyButtons: false });
        result = await this.sendMessage(userId, plain.at(-1)!);
      }
      if (!result.ok) return { ...result, sent: index };
      messageId = result.messageId;
    }
    return { ok: true, messageId };
  }

  /** One consultation message (POST /v3.0/oa/message/cs). */
  async sendMessage(userId: string, message: ZaloOutgoingMessage): Promise<SendResult> {
    const outcome = await this.#post('/v3.0/oa/message/cs', { recipient: { user_id: userId }, message });
    if (!outcome.ok) {
      const { ok: _ok, ...failure } = outcome;
      this.#options.log.warn({ userId, zaloError: failure.code, kind: failure.kind }, 'Zalo message not sent');
      return { ok: false, ...failure, sent: 0 };
    }
    const data = sentData.safeParse(outcome.data);
    return { ok: true, messageId: data.success ? data.data.message_id : '' };
  }

  async oaMessagesSince(userId: string, sinceMs: number): Promise<{ text: string | null }[] | null> {
    const messages: z.infer<typeof conversationData> = [];
    // Page by page (newest first) until a page reaches back to `sinceMs` or is the last: after a burst of one
    // citizen's messages and their answers, one page may not reach back to the event being decided.
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const offset = page * HISTORY_PAGE;
      const outcome = await this.#call('GET', '/v2.0/oa/conversation', { user_id: userId, offset, count: HISTORY_PAGE });
      const data = outcome.ok ? conversationData.safeParse(outcome.data) : null;
      if (!data?.success) return null;
      messages.push(...data.data);
      const reachesBack = data.data.length < HISTORY_PAGE || data.data.some((m) => m.time < sinceMs);
      // src 0: sent by the OA; 1: by the user. A text message's `message` is its text.
      if (reachesBack) {
        return messages.filter((m) => m.src === 0 && m.time >= sinceMs).map((m) => ({ text: typeof m.message === 'string' ? m.message : null }));
      }
    }
    // Every page read is from after `sinceMs`: older messages could be missing.
    return null;
  }

  #post(path: string, body: unknown): Promise<CallOutcome> {
    return this.#call('POST', path, body);
  }

  async #call(method: 'GET' | 'POST', path: string, body: unknown): Promise<CallOutcome> {
    const { tokens } = this.#options;
    let refreshedOnce = false;
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await tokens.accessToken();
      } catch (error) {
        if (error instanceof TokenUnavailableError) return tokenFailure(error);
        if (attempt < this.#retry.attempts) {
          await this.#backOff(attempt);
          continue;
        }
        return tokenFailure(error as Error);
      }

      await this.#limiter.take();
      const answer = await this.#fetch(method, path, token, body);
      if (!answer.ok) {
        if (attempt < this.#retry.attempts) {
          await this.#backOff(attempt);
          continue;
        }
        return { ok: false, code: null, kind: 'network', reason: answer.reason, retryable: true };
      }
      if (answer.body.error === 0) return { ok: true, data: answer.body.data };

      const code = answer.body.error;
      const rule = zaloErrorRule(code);
      if (rule.action === 'refresh_token' && !refreshedOnce) {
        refreshedOnce = true;
        try {
          await tokens.refresh(token);
        } catch (error) {
          return tokenFailure(error as Error);
        }
        attempt--; // a refresh-and-retry is not a back-off attempt
        continue;
      }
      const retries = code === -200 ? 1 : this.#retry.attempts;
      if (rule.action === 'retry' && attempt < retries) {
        if (rule.kind === 'rate_limited') this.#limiter.pause(this.#delay(attempt));
        await this.#backOff(attempt);
        continue;
      }
      const zaloSaid = answer.body.message ? ` (Zalo: ${answer.body.message})` : '';
      return {
        ok: false,
        code,
        kind: rule.kind,
        reason: `Zalo error ${code}: ${rule.meaning}${zaloSaid}`,
        retryable: rule.action !== 'give_up',
      };
    }
  }

  async #fetch(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body: unknown,
  ): Promise<{ ok: true; body: z.infer<typeof envelope> } | { ok: false; reason: string }> {
    let response: Response;
    let parsed: unknown;
    // GET calls carry their parameters as one URL-encoded JSON `data` parameter (Zalo's convention).
    const url = `${this.#options.settings.apiBase}${path}${method === 'GET' ? `?data=${encodeURIComponent(JSON.stringify(body))}` : ''}`;
    try {
      response = await fetch(url, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json', access_token: token } : { access_token: token },
        body: method === 'POST' ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      parsed = await response.json().catch(() => null);
    } catch (error) {
      return { ok: false, reason: `Zalo API unreachable (${(error as Error).name})` };
    }
    this.#observeRateHeaders(response.headers);
    if (response.status >= 500 || response.status === 429) return { ok: false, reason: `Zalo API answered HTTP ${response.status}` };
    const result = envelope.safeParse(parsed);
    if (!result.success) return { ok: false, reason: `Zalo API answered HTTP ${response.status} without a result` };
    return { ok: true, body: result.data };
  }

  /** Zalo's quota headers: when nothing remains, hold every call rather than collect -32 errors. */
  #observeRateHeaders(headers: Headers): void {
    const remain = headers.get('x-ratelimit-remain');
    if (remain === null || !/^\d+$/.test(remain.trim()) || Number(remain) > 0) return;
    this.#limiter.pause(this.#retry.exhaustedPauseMs);
    this.#options.log.warn({ limit: headers.get('x-ratelimit-limit') }, 'Zalo API quota spent; pausing calls');
  }

  #delay(attempt: number): number {
    return this.#retry.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2);
  }

  #backOff(attempt: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.#delay(attempt)));
  }
}

/** A refused refresh token needs an admin; an unreachable token endpoint may work next time. */
function tokenFailure(error: Error): CallOutcome {
  return { ok: false, code: null, kind: 'token', reason: error.message, retryable: !(error instanceof TokenUnavailableError) };
}
