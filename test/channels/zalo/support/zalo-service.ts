import Fastify, { type FastifyInstance } from 'fastify';
import { zaloCapabilities } from '../../../../src/channels/zalo/capabilities.js';
import type { RetryPolicy } from '../../../../src/channels/zalo/client.js';
import type { CommuneResolver } from '../../../../src/channels/zalo/inbox.js';
import { registerZaloWebhook, type ZaloChannel } from '../../../../src/channels/zalo/webhook.js';
import { type Clock, systemClock } from '../../../../src/clock.js';
import { loadConfig, zaloSettings } from '../../../../src/config.js';
import { ConversationEngine } from '../../../../src/engine/engine.js';
import { SessionStore } from '../../../../src/engine/session-store.js';
import type { Reply, Skill } from '../../../../src/engine/types.js';
import { registerErrorHandling } from '../../../../src/http/errors.js';
import { loggerOptions } from '../../../../src/logger.js';
import { fold } from '../../../../src/nlu/fold.js';
import type { ParseResult } from '../../../../src/nlu/types.js';
import { openLowdbStorage } from '../../../../src/storage/lowdb/index.js';
import type { Storage } from '../../../../src/storage/repositories.js';

/**
 * The Zalo channel inside a real Fastify app with the real conversation engine and real lowdb storage. The skills
 * and the parser are a small fixed set so tests can predict the answers (the service's own content is tested by
 * its owners); everything between the webhook and Zalo is the production code.
 */
export const LONG_ANSWER = longAnswer(5000);

/** Sentences ending in ".", "?", "!" until the text is at least `length` characters long. */
function longAnswer(length: number): string {
  const sentences: string[] = [];
  for (let i = 1; sentences.join(' ').length < length; i++) {
    sentences.push(`Điều ${i}: hộ nghèo được hỗ trợ vay vốn ưu đãi, bảo hiểm y tế và học nghề${['.', '?', '!'][i % 3]}`);
  }
  return sentences.join(' ');
}

const ANSWERS: Record<string, Reply> = {
  greeting: { text: 'Xin chào! Tôi là trợ lý giảm nghèo của thành phố.' },
  help: {
    text: 'Tôi có thể giúp bạn tìm hiểu chính sách giảm nghèo.',
    quickReplies: [
      { title: 'Chuẩn nghèo', payload: 'intent:poverty_standard' },
      { title: 'Vay vốn', payload: 'intent:credit' },
    ],
  },
  poverty_standard: { text: 'Chuẩn nghèo đa chiều giai đoạn 2022–2025 gồm thu nhập và mức thiếu hụt dịch vụ xã hội cơ bản.' },
  credit: { text: 'Hộ nghèo được vay vốn ưu đãi tại Ngân hàng Chính sách xã hội.' },
  long_answer: { text: LONG_ANSWER },
  fallback: { text: 'Xin lỗi, tôi chưa hiểu câu hỏi. Bạn gõ "menu" để xem các nội dung hỗ trợ.' },
};

const KEYWORDS: [string, string][] = [
  ['chao', 'greeting'],
  ['chuan ngheo', 'poverty_standard'],
  ['vay', 'credit'],
  ['chi tiet', 'long_answer'],
];

export const testParser = {
  parse(text: string): ParseResult {
    const folded = fold(text);
    const name = KEYWORDS.find(([word]) => folded.includes(word))?.[1] ?? 'fallback';
    const intent = { name, confidence: name === 'fallback' ? 0 : 1 };
    return { text, intent, ranking: [intent], entities: [] };
  },
};

export const testSkill: Skill = {
  name: 'test_answers',
  intents: Object.keys(ANSWERS),
  handleIntent: (_ctx, intent) => ({ replies: [structuredClone(ANSWERS[intent]!)] }),
};

export interface ZaloServiceOptions {
  dataDir: string;
  /** ZALO_* variables (MockZalo.env()) and any other configuration. */
  env: Record<string, string>;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  resolveCommune?: CommuneResolver;
}

export interface ZaloService {
  app: FastifyInstance;
  url: string;
  storage: Storage;
  channel: ZaloChannel;
  close(): Promise<void>;
}

/** Builds and listens on an ephemeral port; `close()` stops it the way the real service stops. */
export async function startZaloService(options: ZaloServiceOptions): Promise<ZaloService> {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', ...options.env, DATA_DIR: options.dataDir });
  const settings = zaloSettings(config);
  if (!settings) throw new Error('startZaloService: the ZALO_* variables are missing');
  const clock = options.clock ?? systemClock;
  const app = Fastify({ logger: loggerOptions(config), bodyLimit: 64 * 1024 });
  registerErrorHandling(app);
  const storage = await openLowdbStorage(options.dataDir);
  const sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: 30 });
  const engine = new ConversationEngine({
    parser: testParser,
    skills: [testSkill],
    sessions,
    clock,
    capabilities: { web: zaloCapabilities(false), zalo: zaloCapabilities(settings.quickReplyButtons) },
  });
  const channel = registerZaloWebhook(app, {
    settings,
    engine,
    storage,
    clock,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    resolveCommune: options.resolveCommune,
    retry: options.retry ?? { baseDelayMs: 5 },
  });
  app.addHook('onClose', async () => {
    await engine.idle();
    await sessions.stop();
    await storage.flush();
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, storage, channel, close: () => app.close() };
}
