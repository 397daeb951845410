import fp from 'fastify-plugin';
import { webCapabilities } from '../channels/web/capabilities.js';
import { zaloCapabilities } from '../channels/zalo/capabilities.js';
import { CitizenRegistry } from '../citizens/registry.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { AnswerBook } from '../content/answers.js';
import { INTENT_NAMES } from '../content/intents-list.js';
import type { Knowledge } from '../content/knowledge.js';
import { communeLabel } from '../domain/commune-label.js';
import type { CommuneDirectory } from '../domain/communes.js';
import type { LoanRates } from '../domain/knowledge/interest.js';
import type { PovertyRules } from '../domain/poverty/types.js';
import { ConversationEngine } from '../engine/engine.js';
import { createQuickReplyPaging } from '../engine/quick-reply-pages.js';
import { SessionStore, storedSessions } from '../engine/session-store.js';
import type { RetrievalIndex } from '../nlu/retrieval.js';
import type { Parser } from '../nlu/types.js';
import { ConsentService } from '../privacy/consent.js';
import { createPrivacyNoticeHook } from '../privacy/notice-hook.js';
import { PersonalDataService } from '../privacy/personal-data.js';
import { createFaqSkill } from '../skills/faq/faq-skill.js';
import { renderAnswerById } from '../skills/faq/render-answer.js';
import { createHandoffSkill, HANDOFF_INTENT } from '../skills/handoff/handoff-skill.js';
import { KnowledgeFinder } from '../skills/knowledge/knowledge-finder.js';
import { createPrivacySkill } from '../skills/privacy/privacy-skill.js';
import { createScreeningSkill } from '../skills/screening/screening-skill.js';
import { createSubscriptionSkill, SUBSCRIPTION_INTENTS } from '../skills/subscriptions/subscription-skill.js';
import { createUnansweredHook } from '../staff/unanswered-questions.js';
import { createQuestionStatsHook } from '../stats/question-hook.js';
import type { Storage } from '../storage/repositories.js';
import { privacyPageUrl } from './privacy-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The conversation engine every channel hands its messages to. */
    engine: ConversationEngine;
    /** Citizens' records (first contact, last interaction, following). */
    citizens: CitizenRegistry;
    /** Everything stored about a citizen, and its deletion. */
    personalData: PersonalDataService;
  }
}

export interface ConversationOptions {
  config: Config;
  storage: Storage;
  clock: Clock;
  communes: CommuneDirectory;
  answers: AnswerBook;
  knowledge: Knowledge;
  /** The knowledge base's search index from the build, when it matches `knowledge`; else built just after ready. */
  knowledgeIndex?: RetrievalIndex | null;
  loanRates: readonly LoanRates[];
  povertyRules: PovertyRules;
  parser: Parser;
}

/** Intents answered by a flow or a skill of their own rather than by the FAQ. */
const OWNED_ELSEWHERE = new Set<string>(['privacy', 'screening_start', HANDOFF_INTENT, ...SUBSCRIPTION_INTENTS]);
/** FAQ intents that are no answer to a question: "did it help?" is not asked after them. */
const NOT_ANSWERS = new Set<string>(['help', 'fallback', 'greeting', 'thanks_goodbye']);

/** Intents that are not questions about the programme: the dashboard does not count them. */
const NOT_QUESTIONS = ['greeting', 'thanks_goodbye', 'help', HANDOFF_INTENT];

/**
 * The conversation: sessions (restored at start, snapshotted, written on close), the skills, the engine and its
 * hooks (privacy notice, pending announcements, unanswered questions). Decorates `engine`, `citizens` and
 * `personalData`.
 */
export const conversationPlugin = fp<ConversationOptions>(
  async (app, { config, storage, clock, communes, answers, knowledge, knowledgeIndex, loanRates, povertyRules, parser }) => {
    const citizens = new CitizenRegistry(storage.citizens);
    const { stats } = app;
    const communeOf = (citizenId: string) => citizens.communeOf(citizenId);
    const consent = new ConsentService({
      registry: citizens,
      keptAnswers: storage.keptAnswers,
      unanswered: storage.unanswered,
      holdMinutes: config.SESSION_IDLE_MINUTES,
    });
    const sessions = new SessionStore({
      repo: storage.sessions,
      clock,
      idleMinutes: config.SESSION_IDLE_MINUTES,
      // Redis when there is one; else, on a database other instances may use, one record per conversation there.
      shared: app.sharedState?.sessions ?? (storage.sessions.sharedByInstances ? storedSessions(storage.sessions) : null),
    });
    await sessions.restore();
    sessions.startSnapshots(config.SESSION_SNAPSHOT_SECONDS);
    const personalData = new PersonalDataService({
      storage,
      sessions,
      consent,
      now: () => clock.now(),
      forgetHandoffs: (citizenId) => app.handoffs.forget(citizenId),
    });
    const pageUrl = privacyPageUrl(config);
    const paging = createQuickReplyPaging();
    const finder = new KnowledgeFinder(knowledge.entries, knowledge.referrals, { index: knowledgeIndex, classify: (text) => parser.parse(text).ranking });
    // Without the build's index, it is built just after start-up, not before /health answers ready.
    app.addHook('onReady', async () => {
      setImmediate(() => finder.warm());
    });
    const faqIntents = INTENT_NAMES.filter((i) => !OWNED_ELSEWHERE.has(i));
    const handoff = createHandoffSkill({
      handoffs: app.handoffs,
      registry: citizens,
      communes,
      answerIntents: faqIntents.filter((i) => !NOT_ANSWERS.has(i)),
      inPerson: renderAnswerById(answers, HANDOFF_INTENT),
    });
    const engine = new ConversationEngine({
      parser,
      skills: [
        // First: its claim (a request for a person) comes before the knowledge base's.
        handoff.skill,
        // Before the knowledge base: its claim (a correction said after a self-assessment's result) comes first.
        createScreeningSkill({
          rules: povertyRules,
          consent,
          communes,
          // As for questions, the result does not wait for the counter to reach the disk.
          recordResult: async (citizenId, category, at) => {
            void stats.recordScreening({ commune: await communeOf(citizenId), category, at });
          },
        }),
        createFaqSkill({
          answers,
          knowledge: finder,
          loanRates,
          intents: faqIntents,
        }),
        createSubscriptionSkill({ registry: citizens, communes, feed: (id, limit) => app.announcements.service.feed(id, limit) }),
        createPrivacySkill({
          personalData,
          consent,
          privacyPageUrl: pageUrl,
          communeName: (id) => {
            const commune = communes.byId(id);
            return commune && communeLabel(commune);
          },
          intro: renderAnswerById(answers, 'privacy'),
        }),
        paging.skill,
      ],
      sessions,
      clock,
      ownership: app.handoffs,
      capabilities: { web: webCapabilities, zalo: zaloCapabilities(config.ZALO_QUICK_REPLY_BUTTONS) },
      hooks: [
        createPrivacyNoticeHook({ registry: citizens, privacyPageUrl: pageUrl }),
        app.announcements.pendingHook,
        createUnansweredHook((citizenId, text, at) => consent.recordUnanswered(citizenId, text, at)),
        createQuestionStatsHook({ stats, communeOf, notQuestions: NOT_QUESTIONS }),
        app.handoffs.heldRepliesHook(),
        handoff.hook,
        // Last: it shapes what every other hook and skill produced.
        paging.hook,
      ],
    });
    app.decorate('engine', engine);
    app.decorate('citizens', citizens);
    app.decorate('personalData', personalData);
    // The channels' own onClose hooks (registered later, in child scopes) run first; then in-flight turns finish
    // and the session snapshot is written.
    app.addHook('onClose', async () => {
      await engine.idle();
      await sessions.stop();
    });
  },
  { name: 'conversation', dependencies: ['announcements', 'handoff'] },
);
