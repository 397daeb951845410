import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Knowledge } from '../content/knowledge.js';
import { AppError } from '../errors.js';
import { type HandoffService, OFFICER_OUTCOMES } from '../handoff/handoff-service.js';
import { mayActOn } from '../staff/scope.js';
import { HANDOFF_STATUSES, type HandoffRecord, handoffMessage, handoffRecord, knowledgeDraftRecord } from '../storage/records.js';
import type { KnowledgeDraftRepository } from '../storage/repositories.js';
import { fold } from '../text/fold.js';

const tags = ['staff inbox'];
/** An officer's reply or note: a phone-sized message (Zalo splits longer ones). */
const TEXT_MAX = 2000;
const CANNED_SHOWN = 8;
/** Comments keep proxies from closing a quiet event stream. */
const HEARTBEAT_MS = 25_000;

const idParams = z.object({ id: z.uuid({ message: 'Mã cuộc trò chuyện không hợp lệ.' }) });
const textBody = z.object({
  text: z.string().trim().min(1, 'Hãy nhập nội dung.').max(TEXT_MAX, `Tối đa ${TEXT_MAX} ký tự.`),
});
const summarySchema = z.object({
  id: z.string(),
  channel: z.enum(['web', 'zalo']),
  commune: z.string(),
  communeName: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  outcome: handoffRecord.shape.outcome,
  deadlineAt: z.string().nullable(),
  /** The first thing the citizen asked. */
  preview: z.string(),
  messageCount: z.number(),
  lastAt: z.string(),
});
const detailSchema = handoffRecord.omit({ citizenId: true, userId: true }).extend({
  communeName: z.string(),
  messages: z.array(handoffMessage),
  /** Whether a reply sent now reaches the citizen (false: Zalo past its 7-day window, or no widget open). */
  reachable: z.boolean(),
});

/** What a list shows: never the citizen's channel id. */
function summaryOf(h: HandoffRecord, communeName: (id: string) => string): z.infer<typeof summarySchema> {
  const first = h.messages.find((m) => m.from === 'citizen');
  return {
    id: h.id,
    channel: h.channel,
    commune: h.commune,
    communeName: communeName(h.commune),
    status: h.status,
    assignee: h.assignee,
    createdAt: h.createdAt,
    closedAt: h.closedAt,
    outcome: h.outcome,
    deadlineAt: h.deadlineAt,
    preview: first ? first.text.slice(0, 200) : '',
    messageCount: h.messages.length,
    lastAt: h.messages.at(-1)?.at ?? h.createdAt,
  };
}

/**
 * The staff inbox: conversations citizens handed to their commune's staff, live (server-sent events), with claim,
 * reply, internal note, hand-over and close; canned text from the knowledge base; drafts of new knowledge entries
 * (admins). Officers see and act on their communes only (403 otherwise); the service audits every action.
 */
export function registerHandoffRoutes(
  app: FastifyInstance,
  o: {
    service: HandoffService;
    communeName: (id: string) => string;
    knowledge: Knowledge;
    drafts: KnowledgeDraftRepository;
    clock: Clock;
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const staffOf = (request: FastifyRequest) => request.staff!;
  const detail = async (request: FastifyRequest, id: string) => {
    const { handoff, reachable } = await o.service.get(staffOf(request), id);
    const { citizenId: _c, userId: _u, ...shown } = handoff;
    return { ...shown, communeName: o.communeName(handoff.commune), reachable };
  };

  r.get(
    '/api/staff/conversations',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Conversations handed to staff, newest first (officers: their communes); without status, waiting and open',
        querystring: z.object({ status: z.enum(HANDOFF_STATUSES).optional() }),
        response: { 200: z.object({ conversations: z.array(summarySchema) }) },
      },
    },
    async (request) => {
      const statuses = request.query.status ? [request.query.status] : (['waiting', 'open'] as const);
      const list = await o.service.list(staffOf(request), [...statuses]);
      return { conversations: list.map((h) => summaryOf(h, o.communeName)) };
    },
  );

  r.get(
    '/api/staff/conversations/events',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Server-sent events: `change` {id, status} whenever a conversation of the staff member’s communes changes',
      },
    },
    (request, reply) => {
      const staff = staffOf(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('retry: 3000\n\n');
      const leave = o.service.onChange((change) => {
        if (mayActOn(staff, [change.commune])) res.write(`event: change\ndata: ${JSON.stringify({ id: change.id, status: change.status })}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      const stop = () => {
        clearInterval(heartbeat);
        leave();
      };
      streams.add(res);
      res.on('close', () => {
        stop();
        streams.delete(res);
      });
    },
  );
  // Open streams would hold the server open at shutdown.
  const streams = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  r.get(
    '/api/staff/conversations/:id',
    {
      onRequest: app.staffGuard(),
      schema: { tags, summary: 'One conversation with its transcript and notes', params: idParams, response: { 200: detailSchema } },
    },
    async (request) => detail(request, request.params.id),
  );

  r.post(
    '/api/staff/conversations/:id/claim',
    {
      onRequest: app.staffGuard(),
      schema: { tags, summary: 'Take a waiting conversation (the bot stays silent meanwhile)', params: idParams, response: { 200: detailSchema } },
    },
    async (request) => {
      await o.service.claim(staffOf(request), request.params.id);
      return detail(request, request.params.id);
    },
  );

  r.post(
    '/api/staff/conversations/:id/messages',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Reply to the citizen (widget live; Zalo inside its 7-day window, else with the citizen’s next message)',
        params: idParams,
        body: textBody,
        response: { 200: detailSchema },
      },
    },
    async (request) => {
      await o.service.reply(staffOf(request), request.params.id, request.body.text);
      return detail(request, request.params.id);
    },
  );

  r.post(
    '/api/staff/conversations/:id/notes',
    {
      onRequest: app.staffGuard(),
      schema: { tags, summary: 'An internal note (staff only, never sent)', params: idParams, body: textBody, response: { 200: detailSchema } },
    },
    async (request) => {
      await o.service.note(staffOf(request), request.params.id, request.body.text);
      return detail(request, request.params.id);
    },
  );

  r.post(
    '/api/staff/conversations/:id/hand-over',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Hand the conversation to a colleague who acts for its commune',
        params: idParams,
        body: z.object({ to: z.string().min(1).max(64) }),
        response: { 200: detailSchema },
      },
    },
    async (request) => {
      await o.service.handOver(staffOf(request), request.params.id, request.body.to);
      return detail(request, request.params.id);
    },
  );

  r.post(
    '/api/staff/conversations/:id/close',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Close with an outcome; the conversation returns to the bot',
        params: idParams,
        body: z.object({ outcome: z.enum(OFFICER_OUTCOMES, { message: `Kết quả phải là một trong: ${OFFICER_OUTCOMES.join(', ')}.` }) }),
        response: { 200: detailSchema },
      },
    },
    async (request) => {
      await o.service.close(staffOf(request), request.params.id, request.body.outcome);
      return detail(request, request.params.id);
    },
  );

  r.get(
    '/api/staff/canned',
    {
      onRequest: app.staffGuard(),
      schema: {
        tags,
        summary: 'Answers from the knowledge base whose question or answer contains the words (to insert in a reply)',
        querystring: z.object({ q: z.string().trim().min(2).max(200) }),
        response: { 200: z.object({ answers: z.array(z.object({ id: z.string(), question: z.string(), answer: z.string() })) }) },
      },
    },
    async (request) => {
      const words = fold(request.query.q).split(' ').filter(Boolean);
      const answers = o.knowledge.entries
        .filter((e) => {
          const text = fold(`${e.question} ${e.paraphrases.join(' ')} ${e.answer}`);
          return words.every((w) => text.includes(w));
        })
        .slice(0, CANNED_SHOWN)
        .map((e) => ({ id: e.id, question: e.question, answer: e.answer }));
      return { answers };
    },
  );

  const draftBody = z.object({
    question: z.string().trim().min(5).max(300),
    answer: z.string().trim().min(10).max(TEXT_MAX),
    topic: z.string().trim().max(64).nullable().default(null),
    handoffId: z.uuid().nullable().default(null),
  });
  r.get(
    '/api/staff/knowledge-drafts',
    {
      onRequest: app.staffGuard('admin'),
      schema: { tags, summary: 'Draft knowledge entries waiting for review (admins)', response: { 200: z.array(knowledgeDraftRecord) } },
    },
    async () => o.drafts.list(),
  );
  r.post(
    '/api/staff/knowledge-drafts',
    {
      onRequest: app.staffGuard('admin'),
      schema: {
        tags,
        summary: 'Turn a good reply into a draft knowledge entry (admins; not answered to citizens until published in content/)',
        body: draftBody,
        response: { 201: knowledgeDraftRecord },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const draft = { id: randomUUID(), ...request.body, author: staff.username, createdAt: o.clock.now().toISOString() };
      await o.drafts.add(draft);
      await app.audit.record(staff.username, 'knowledge_draft.create', draft.id, { handoffId: draft.handoffId });
      return reply.code(201).send(draft);
    },
  );
  r.delete(
    '/api/staff/knowledge-drafts/:id',
    {
      onRequest: app.staffGuard('admin'),
      schema: { tags, summary: 'Discard a draft (admins)', params: z.object({ id: z.uuid() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      if (!(await o.drafts.delete(request.params.id))) throw new AppError('unknown_draft');
      await app.audit.record(staffOf(request).username, 'knowledge_draft.delete', request.params.id);
      return reply.code(204).send(null);
    },
  );
}
