import { z } from 'zod';
import { HOUSEHOLD_CATEGORIES, SCHOOL_LEVELS } from '../domain/knowledge/types.js';

/**
 * The shape of every stored record, one zod schema per collection. Data files are validated against these on
 * start-up; the same types are what repositories hand to callers.
 */
const isoDate = z.iso.datetime({ offset: true });
const channel = z.enum(['web', 'zalo']);

const quickReply = z.object({ title: z.string(), payload: z.string() });
const flowSnapshot = z.object({
  step: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** The kinds of answer a bot's question can expect (the engine's `Expectation`). */
export const ANSWER_KINDS = ['yes_no', 'count', 'money', 'commune', 'option', 'consent', 'confirm'] as const;
/** What a reply's content can be (the engine's `ReplySource`). */
export const REPLY_SOURCE_KINDS = ['entry', 'choices', 'referral', 'card'] as const;
const expectation = z.object({ kind: z.enum(ANSWER_KINDS), owner: z.string(), options: z.array(quickReply).optional() });

/** A reply as a channel sends it (the engine's `Reply` without what only the engine and logs read). */
const sentReply = z.object({
  text: z.string(),
  quickReplies: z.array(quickReply).optional(),
  links: z.array(z.object({ title: z.string(), url: z.string() })).optional(),
});
/** The engine's whole `Reply`. */
const reply = sentReply.extend({
  expects: expectation.optional(),
  source: z.object({ kind: z.enum(REPLY_SOURCE_KINDS), ids: z.array(z.string()).readonly() }).optional(),
  pushId: z.string().optional(),
});

export const sessionRecord = z.object({
  id: z.string(),
  key: z.string(),
  channel,
  userId: z.string(),
  flow: z
    .object({
      skill: z.string(),
      step: z.string(),
      data: z.record(z.string(), z.unknown()),
      history: z.array(flowSnapshot).optional(),
      stamp: z.string().optional(),
    })
    .nullable(),
  lastQuickReplies: z.array(quickReply),
  /** The quick replies behind the last reply's "Khác"; absent in snapshots written before it existed. */
  hiddenQuickReplies: z.array(quickReply).optional(),
  /** The question the next message is read as an answer to; absent in snapshots written before it existed. */
  pending: expectation.nullable().optional(),
  lastIntent: z.string().nullable(),
  /**
   * The last turn of a message its channel may hand over again (the engine's `InboundMessage.id`): its id, intent and
   * replies; absent when the last message had no id, and in sessions written before it existed.
   */
  lastTurn: z.object({ id: z.string(), intent: z.string().nullable(), replies: z.array(reply) }).optional(),
  context: z
    .object({
      facts: z.object({
        category: z.enum(HOUSEHOLD_CATEGORIES).optional(),
        area: z.enum(['rural', 'urban']).optional(),
        householdSize: z.number().int().positive().optional(),
        monthlyIncome: z.number().min(0).optional(),
        incomePerPerson: z.number().min(0).optional(),
        age: z.number().int().min(0).optional(),
        schoolLevel: z.enum(SCHOOL_LEVELS).optional(),
        disability: z.literal(true).optional(),
        pregnant: z.literal(true).optional(),
        ethnicMinority: z.literal(true).optional(),
      }),
      lastEntryId: z.string().optional(),
      lastCardTopic: z.string().optional(),
      lastQuestion: z.string().optional(),
      answersSinceHelpAsked: z.number().int().min(0).optional(),
      lastScreening: z.object({ data: z.record(z.string(), z.unknown()), stamp: z.string().optional() }).optional(),
    })
    .optional(),
  /**
   * What the turn's database reads last found, kept where the next turn reads first (Redis), so that it may skip them
   * (src/engine/session-store.ts, TurnKnowledge). Absent without Redis.
   */
  known: z
    .object({
      /** No handoff was pending when the citizen's handoff mark (read before) was this one ('' for no mark). */
      noHandoffAtMark: z.string().optional(),
      /** The citizen's record as a turn last read or wrote it, once the privacy notice was shown. */
      citizen: z.object({ lastInteractionAt: isoDate, commune: z.string().nullable() }).optional(),
    })
    .optional(),
  startedAt: isoDate,
  lastActiveAt: isoDate,
});
export type SessionRecord = z.infer<typeof sessionRecord>;

/** A citizen the service has talked to on one channel: the facts later sends depend on. */
export const citizenRecord = z.object({
  /** citizenKey(channel, userId) (src/citizens/identity.ts) */
  id: z.string(),
  channel,
  userId: z.string(),
  firstSeenAt: isoDate,
  /** Last message from the citizen: Zalo's 48-hour / 7-day windows count from here. */
  lastInteractionAt: isoDate,
  noticeShownAt: isoDate.nullable(),
  /** The message (InboundMessage.id) the notice was shown in answer to, when the channel names its messages. */
  noticeShownFor: z.string().optional(),
  /** Consent to keep screening answers and questions beyond the running conversation. */
  consent: z.object({ status: z.enum(['granted', 'refused']), at: isoDate }).nullable(),
  /** Zalo: follows the OA. Widget visitors are always true. */
  following: z.boolean(),
  commune: z.string().nullable(),
  subscribed: z.boolean(),
  subscribedAt: isoDate.nullable(),
});
export type CitizenRecord = z.infer<typeof citizenRecord>;

/** Inbound-event journal (Zalo): recorded before the webhook is acknowledged. */
export const journalRecord = z.object({
  /** sha256 of the dedupe key: all that is kept once the event is handled. */
  id: z.string(),
  state: z.enum(['received', 'replying', 'done']),
  receivedAt: isoDate,
  /** The event itself, kept only until it is handled. */
  event: z.unknown().nullable(),
  /** Whose event, kept only until it is handled (so deletion can find it). */
  citizenId: z.string().nullable(),
  outcome: z.string().nullable(),
  /** While `replying`: the replies being sent, so a restart can finish them if Zalo shows they did not go out. */
  pendingReplies: z.array(sentReply).nullable().optional(),
});
export type JournalRecord = z.infer<typeof journalRecord>;

export const announcementRecord = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  communes: z.union([z.literal('all'), z.array(z.string())]),
  channels: z.array(channel),
  author: z.string(),
  createdAt: isoDate,
  scheduledAt: isoDate.nullable(),
  publishedAt: isoDate.nullable(),
  status: z.enum(['scheduled', 'publishing', 'published', 'withdrawn']),
  withdrawnAt: isoDate.nullable(),
  withdrawnBy: z.string().nullable(),
});
export type AnnouncementRecord = z.infer<typeof announcementRecord>;

export const deliveryStates = ['queued', 'sending', 'sent', 'failed', 'pending_window', 'skipped'] as const;
export const deliveryRecord = z.object({
  /** Idempotency key: `${announcementId}|${citizenId}`. */
  id: z.string(),
  announcementId: z.string(),
  citizenId: z.string(),
  channel,
  state: z.enum(deliveryStates),
  /** Why it failed or was skipped (Zalo's error code and message, "unsubscribed", "interrupted"…). */
  reason: z.string().nullable(),
  attempts: z.number().int().min(0),
  updatedAt: isoDate,
});
export type DeliveryRecord = z.infer<typeof deliveryRecord>;

export const staffRecord = z.object({
  /** the username */
  id: z.string(),
  role: z.enum(['admin', 'officer']),
  communes: z.array(z.string()),
  passwordHash: z.string(),
  displayName: z.string(),
  createdAt: isoDate,
  disabled: z.boolean(),
});
export type StaffRecord = z.infer<typeof staffRecord>;

export const staffSessionRecord = z.object({
  /** sha256 of the cookie token */
  id: z.string(),
  username: z.string(),
  createdAt: isoDate,
  expiresAt: isoDate,
});
export type StaffSessionRecord = z.infer<typeof staffSessionRecord>;

export const auditRecord = z.object({
  id: z.string(),
  at: isoDate,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditRecord = z.infer<typeof auditRecord>;

export const tokenRecord = z.object({
  id: z.literal('zalo'),
  accessToken: z.string().nullable(),
  refreshToken: z.string(),
  accessTokenExpiresAt: isoDate.nullable(),
  refreshedAt: isoDate.nullable(),
  /** Set when a refresh was refused: what an admin must do. */
  alert: z.string().nullable(),
  /**
   * Why the refresh was refused: `configuration` (wrong ZALO_APP_ID / ZALO_APP_SECRET: the refresh token is intact
   * and is tried again after a restart) or `dead_token` (a new grant is needed). Absent in older files: dead token.
   */
  refusal: z.enum(['configuration', 'dead_token']).optional(),
});
export type TokenRecord = z.infer<typeof tokenRecord>;

/** Answers a citizen agreed to keep. */
export const keptAnswerRecord = z.object({
  id: z.string(),
  citizenId: z.string(),
  kind: z.enum(['screening', 'question']),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
});
export type KeptAnswerRecord = z.infer<typeof keptAnswerRecord>;

/** A message that went to fallback: its text only if the citizen agreed, otherwise just counted. */
export const unansweredRecord = z.object({
  id: z.string(),
  citizenId: z.string(),
  text: z.string().nullable(),
  at: isoDate,
});
export type UnansweredRecord = z.infer<typeof unansweredRecord>;

/** What the programme statistics count; each counter is one group of the dashboard. */
export const STAT_MEASURES = ['question', 'handoff', 'staff_response', 'screening'] as const;
export type StatMeasure = (typeof STAT_MEASURES)[number];

/**
 * One counter of the programme statistics: how many events of a kind happened in an ISO week (Asia/Ho_Chi_Minh) in a
 * commune. No citizen, no text, no time finer than the week: aggregates the retention job need not delete.
 */
export const statRecord = z.object({
  /** `${week}|${commune}|${measure}|${key}` */
  id: z.string(),
  /** ISO week, "2026-W49". */
  week: z.string().regex(/^\d{4}-W\d{2}$/),
  /** The commune's id; "" when the citizen's commune is not known. */
  commune: z.string(),
  measure: z.enum(STAT_MEASURES),
  /**
   * question: `${topic}|${outcome}` (outcome bot | unanswered); handoff: the topic; staff_response: the response-time
   * band; screening: the household category.
   */
  key: z.string(),
  count: z.number().int().min(0),
  /** staff_response only: the seconds of all responses counted, for the mean. */
  seconds: z.number().min(0).optional(),
});
export type StatRecord = z.infer<typeof statRecord>;
/** Who owns a conversation handed to staff: waiting for an officer, open (an officer holds it), closed. */
export const HANDOFF_STATUSES = ['waiting', 'open', 'closed'] as const;
/**
 * How a handoff ended: the officer's outcome (answered, referred, no_response, other), or the service's: the citizen
 * cancelled it, or nobody claimed / replied in time (unclaimed, timed_out).
 */
export const HANDOFF_OUTCOMES = ['answered', 'referred', 'no_response', 'other', 'cancelled', 'unclaimed', 'timed_out'] as const;

/** One line of a handoff's transcript. Notes are staff-only; officer replies carry their delivery state. */
export const handoffMessage = z.object({
  id: z.string(),
  at: isoDate,
  from: z.enum(['citizen', 'bot', 'officer', 'note', 'system']),
  /** The staff member who wrote it (officer replies, notes, system lines about staff actions). */
  author: z.string().nullable(),
  text: z.string(),
  /** Officer replies and messages the service sends: delivered, or waiting for the citizen's next message. */
  delivery: z.enum(['delivered', 'waiting']).optional(),
});
export type HandoffMessage = z.infer<typeof handoffMessage>;

/** A conversation a citizen consented to hand to their commune's staff, with its transcript since the question. */
export const handoffRecord = z.object({
  id: z.string(),
  /** citizenKey(channel, userId) */
  citizenId: z.string(),
  channel,
  userId: z.string(),
  commune: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  /** The officer who holds it (open), or held it last (closed). */
  assignee: z.string().nullable(),
  createdAt: isoDate,
  claimedAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  outcome: z.enum(HANDOFF_OUTCOMES).nullable(),
  /** When the sweeper hands it back to the bot if nothing happens (null once closed). */
  deadlineAt: isoDate.nullable(),
  messages: z.array(handoffMessage),
  /**
   * Counts the writes (absent: 0). Several instances change one handoff (an officer's reply on one, the citizen's
   * message on another, the sweeper on each): a write states the revision it read and loses if another came first.
   */
  revision: z.number().int().nonnegative().optional(),
});
export type HandoffRecord = z.infer<typeof handoffRecord>;

/** A reply an admin turned into a knowledge entry to review: not answered to citizens until published in content/. */
export const knowledgeDraftRecord = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  topic: z.string().nullable(),
  author: z.string(),
  createdAt: isoDate,
  /** The handoff it came from (its transcript is not copied). */
  handoffId: z.string().nullable(),
});
export type KnowledgeDraftRecord = z.infer<typeof knowledgeDraftRecord>;
/** Each collection's record type, by the collection's name in `Storage`. */
export interface StoredRecords {
  sessions: SessionRecord;
  citizens: CitizenRecord;
  journal: JournalRecord;
  announcements: AnnouncementRecord;
  deliveries: DeliveryRecord;
  staff: StaffRecord;
  staffSessions: StaffSessionRecord;
  audit: AuditRecord;
  tokens: TokenRecord;
  keptAnswers: KeptAnswerRecord;
  unanswered: UnansweredRecord;
  stats: StatRecord;
  handoffs: HandoffRecord;
  knowledgeDrafts: KnowledgeDraftRecord;
}
