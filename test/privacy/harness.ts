import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webCapabilities } from '../../src/channels/web/capabilities.js';
import { zaloCapabilities } from '../../src/channels/zalo/capabilities.js';
import type { ChannelId } from '../../src/citizens/identity.js';
import { CitizenRegistry } from '../../src/citizens/registry.js';
import { ManualClock } from '../../src/clock.js';
import { loadAnswerContent } from '../../src/content/answer-content.js';
import { INTENT_NAMES } from '../../src/content/intents-list.js';
import { ConversationEngine } from '../../src/engine/engine.js';
import { SessionStore } from '../../src/engine/session-store.js';
import type { Parser } from '../../src/nlu/types.js';
import { ConsentService } from '../../src/privacy/consent.js';
import { createPrivacyNoticeHook } from '../../src/privacy/notice-hook.js';
import { PersonalDataService } from '../../src/privacy/personal-data.js';
import { type RetentionPeriods, retentionPeriods } from '../../src/privacy/retention-periods.js';
import { createFaqSkill } from '../../src/skills/faq/faq-skill.js';
import { renderAnswerById } from '../../src/skills/faq/render-answer.js';
import { KnowledgeFinder } from '../../src/skills/knowledge/knowledge-finder.js';
import { createPrivacySkill } from '../../src/skills/privacy/privacy-skill.js';
import type { Storage } from '../../src/storage/repositories.js';
import { fold } from '../../src/text/fold.js';
import { ON_POSTGRES, openTestStorage, postgresCollections } from '../support/storage.js';

export const PRIVACY_URL = 'https://tro-ly.example.gov.vn/privacy';

/**
 * Routes test messages to intents by keyword: the matcher is another module's job, and these tests are about what
 * happens once a message reaches the privacy skill. Everything after the parser is the real code.
 */
const keywordParser: Parser = {
  parse: (text) => {
    const folded = fold(text);
    const name = /du lieu|quen toi|thong tin|tin nhan|bao mat/.test(folded) ? 'privacy' : /chao/.test(folded) ? 'greeting' : 'fallback';
    return { text, intent: { name, confidence: 1 }, ranking: [{ name, confidence: 1 }], entities: [] };
  },
};

export interface PrivacyHarness {
  dataDir: string;
  clock: ManualClock;
  storage: Storage;
  sessions: SessionStore;
  registry: CitizenRegistry;
  consent: ConsentService;
  personalData: PersonalDataService;
  engine: ConversationEngine;
  periods: RetentionPeriods;
  say(text: string, userId?: string, channel?: ChannelId): Promise<string[]>;
  tap(payload: string, userId?: string, channel?: ChannelId): Promise<string[]>;
}

export async function privacyHarness(): Promise<PrivacyHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'privacy-'));
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const storage = await openTestStorage(dataDir);
  const sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: 30 });
  const registry = new CitizenRegistry(storage.citizens);
  const consent = new ConsentService({ registry, keptAnswers: storage.keptAnswers, unanswered: storage.unanswered, holdMinutes: 30 });
  const personalData = new PersonalDataService({ storage, sessions, consent, now: () => clock.now() });
  const periods = retentionPeriods({ RETENTION_SESSION_DAYS: 30, RETENTION_KEPT_ANSWERS_DAYS: 365, RETENTION_AUDIT_DAYS: 730 });
  const answers = (await loadAnswerContent('content', INTENT_NAMES)).cards;
  const engine = new ConversationEngine({
    parser: keywordParser,
    skills: [
      createFaqSkill({ answers, knowledge: new KnowledgeFinder([], []), loanRates: [], intents: ['help', 'fallback', 'greeting'] }),
      createPrivacySkill({
        personalData,
        consent,
        privacyPageUrl: PRIVACY_URL,
        communeName: (id) => (id === '10507' ? 'xã Thanh Hà' : undefined),
        intro: renderAnswerById(answers, 'privacy'),
      }),
    ],
    sessions,
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(false) },
    hooks: [createPrivacyNoticeHook({ registry, privacyPageUrl: PRIVACY_URL })],
  });
  const texts = async (replies: Promise<{ text: string }[]>) => (await replies).map((r) => r.text);
  return {
    dataDir,
    clock,
    storage,
    sessions,
    registry,
    consent,
    personalData,
    engine,
    periods,
    say: (text, userId = 'visitor-1', channel = 'web') => texts(engine.handle({ channel, userId, text })),
    tap: (payload, userId = 'visitor-1', channel = 'web') => texts(engine.handle({ channel, userId, payload })),
  };
}

/**
 * Every data file's text, after pending writes reached the disk; on PostgreSQL, every table's rows as text, named as
 * the collection's snapshot file would be.
 */
export async function dataFiles(dataDir: string, storage: Storage): Promise<Map<string, string>> {
  await storage.flush();
  const files = new Map<string, string>();
  if (ON_POSTGRES) {
    for (const [name, records] of await postgresCollections(dataDir)) {
      if (records.length) files.set(`${name}.json`, JSON.stringify(records));
    }
    return files;
  }
  for (const name of await readdir(dataDir)) files.set(name, await readFile(join(dataDir, name), 'utf8'));
  return files;
}

/** Names of the data files that contain `needle` (JSON-escaped forms included). */
export async function filesContaining(dataDir: string, storage: Storage, needle: string): Promise<string[]> {
  const escaped = JSON.stringify(needle).slice(1, -1);
  return [...(await dataFiles(dataDir, storage))]
    .filter(([, text]) => text.includes(needle) || text.includes(escaped))
    .map(([name]) => name);
}
