import { createHash } from 'node:crypto';
// Brings in the type of the `rateLimit` route option.
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { citizenKey } from '../../citizens/identity.js';
import type { CitizenRegistry } from '../../citizens/registry.js';
import type { Clock } from '../../clock.js';
import type { ZaloSettings } from '../../config.js';
import type { ConversationEngine } from '../../engine/engine.js';
import { sendError } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { Storage } from '../../storage/repositories.js';
import type { ZaloClient } from './client.js';
import { classifyZaloEvent } from './events.js';
import { type CommuneResolver, ZaloInbox } from './inbox.js';
import { isValidZaloSignature, SIGNATURE_HEADER, signedTimestampOf } from './signature.js';
import type { SignatureWatch } from './signature-watch.js';

export interface ZaloChannelDeps {
  settings: ZaloSettings;
  engine: ConversationEngine;
  storage: Pick<Storage, 'journal'>;
  /** The outbound client (channels/zalo/outbound.ts), started and stopped by its owner. */
  client: ZaloClient;
  /** Where citizens' first contact, last interaction and follow state are recorded. */
  citizens: CitizenRegistry;
  clock: Clock;
  resolveCommune?: CommuneResolver;
  /** Rate-limits, logs (sampled) and alerts on refused posts. */
  signatures: SignatureWatch;
  /** Where journalled events become work (ZaloInbox). */
  jobs: JobQueue;
  /** See ZaloInboxOptions.leaseSeconds. */
  leaseSeconds?: number;
}

export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';

/**
 * Signed events are at most this old when they arrive: Zalo's retries stop within hours, while a replay of an old
 * capture after its journal entry was purged would otherwise be answered again. Journal hashes are needed for
 * deduplication only this long (plus the clock skew allowed).
 */
export const ZALO_EVENT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

const ACK = { ok: true } as const;

/**
 * The Zalo OA channel: `POST /webhooks/zalo` verifies the signature over the raw body, records each new event in the
 * inbound journal, adds its citizen's job and answers 200; the event is handled afterwards, by whichever instance
 * takes the job (ZaloInbox). Also resumes events a previous run left unfinished, and on close finishes the events
 * being handled.
 */
export function registerZaloWebhook(app: FastifyInstance, deps: ZaloChannelDeps): ZaloInbox {
  const { settings, storage, clock, client } = deps;
  const inbox = new ZaloInbox({
    engine: deps.engine,
    sender: client,
    history: client,
    citizens: deps.citizens,
    journal: storage.journal,
    jobs: deps.jobs,
    clock,
    log: app.log,
    resolveCommune: deps.resolveCommune,
    leaseSeconds: deps.leaseSeconds,
  });

  async function acknowledge(request: FastifyRequest, reply: FastifyReply) {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // Unparseable: the signature check decides between 401 and an acknowledged, logged malformed event.
    }
    const header = request.headers['x-zevent-signature'];
    const signed = isValidZaloSignature(typeof header === 'string' ? header : undefined, {
      appId: settings.appId,
      rawBody: raw,
      timestamp: signedTimestampOf(body),
      oaSecretKey: settings.oaSecretKey,
    });
    if (!signed) {
      // Zalo reportedly checks a new webhook URL with an unsigned empty object; it carries no event.
      if (header === undefined && isEmptyObject(body)) return ACK;
      const wrongMac = typeof header === 'string' && SIGNATURE_HEADER.test(header.trim());
      return deps.signatures.refused(request.ip, wrongMac) ? sendError(reply, 'invalid_signature') : sendError(reply, 'rate_limited');
    }
    deps.signatures.accepted();

    const classified = classifyZaloEvent(body);
    if (classified.type === 'malformed') {
      request.log.warn({ eventName: classified.eventName, issues: classified.issues }, 'Zalo event malformed; acknowledged');
      return ACK;
    }
    if (classified.type === 'unknown') {
      request.log.info({ eventName: classified.eventName }, 'Zalo event not supported; acknowledged');
      return ACK;
    }
    if (classified.type === 'ignored') return ACK;

    const { event, dedupeKey } = classified;
    const now = clock.now();
    const age = now.getTime() - Number(event.timestamp);
    if (age > ZALO_EVENT_MAX_AGE_MS || age < -MAX_CLOCK_SKEW_MS) {
      request.log.warn({ kind: event.kind, ageMs: age }, 'Zalo event too old or from the future; acknowledged, not handled');
      return ACK;
    }
    const journalId = createHash('sha256').update(dedupeKey).digest('hex');
    const isNew = await storage.journal.recordIfNew({
      id: journalId,
      receivedAt: now.toISOString(),
      event,
      citizenId: citizenKey('zalo', event.userId),
    });
    if (!isNew) request.log.info({ journalId, kind: event.kind }, 'Zalo event redelivered; already journalled');
    // A redelivery adds the citizen's job too: the first delivery may have failed between journalling and adding it
    // (a job that finds nothing unfinished ends at once).
    await inbox.accept(event.userId);
    return ACK;
  }

  void app.register(async (scope) => {
    // The signature covers the exact bytes: keep the body raw, whatever content type the sender claims.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(
      ZALO_WEBHOOK_PATH,
      {
        schema: { tags: ['zalo'], summary: 'Zalo OA webhook (signed events; answered 200 at once, handled afterwards)' },
        // Zalo's servers are few addresses sending every citizen's messages: a per-address limit would drop them.
        // Refused posts are limited by the signature watch instead.
        config: { rateLimit: false },
        // Refused posts are logged sampled by the signature watch; per-request lines would let a flood fill the disk.
        logLevel: 'warn',
      },
      (request, reply) => inbox.acknowledge(() => acknowledge(request, reply)),
    );
    scope.addHook('onReady', async () => {
      await inbox.start();
      await inbox.recover();
    });
    scope.addHook('onClose', async () => {
      await inbox.stop();
    });
  });
  return inbox;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
