import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerChatRoute } from './channels/web/chat-route.js';
import { webCapabilities } from './channels/web/capabilities.js';
import { zaloCapabilities } from './channels/zalo/capabilities.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, zaloSettings } from './config.js';
import { loadAnswers } from './content/answers.js';
import { INTENT_NAMES } from './content/intents-list.js';
import { loadCommunes } from './domain/communes.js';
import { ConversationEngine } from './engine/engine.js';
import { SessionStore } from './engine/session-store.js';
import type { Skill } from './engine/types.js';
import { registerErrorHandling } from './http/errors.js';
import { registerHealthRoute } from './http/health.js';
import { loggerOptions } from './logger.js';
import { loadMatcher } from './nlu/matcher.js';
import { createFaqSkill } from './skills/faq/faq-skill.js';
import { openLowdbStorage } from './storage/lowdb/index.js';
import type { Storage } from './storage/repositories.js';

export interface AppOverrides {
  clock?: Clock;
  storage?: Storage;
}

/** Largest JSON body any route accepts (a chat message is at most 2,000 characters). */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Builds the whole service without listening: content and data are loaded and validated here, so a bad content or
 * data file fails this call with a message naming the file.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  let ready = false;
  const clock = overrides.clock ?? systemClock;
  const storage = overrides.storage ?? (await openLowdbStorage(config.DATA_DIR));

  // Content: validated at start-up; any problem stops here.
  const communes = await loadCommunes(config.CONTENT_DIR);
  const answers = await loadAnswers(`${config.CONTENT_DIR}/answers`, INTENT_NAMES);
  const matcher = await loadMatcher({ intentsDir: config.INTENTS_DIR, communes });

  const zalo = zaloSettings(config);
  if (!zalo) app.log.info('Zalo channel off: ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY or ZALO_REFRESH_TOKEN not set');

  const ownedElsewhere = new Set<string>();
  const skills: Skill[] = [];
  skills.push(createFaqSkill({ answers, intents: INTENT_NAMES.filter((i) => !ownedElsewhere.has(i)) }));

  const sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: config.SESSION_IDLE_MINUTES });
  await sessions.restore();
  sessions.startSnapshots(config.SESSION_SNAPSHOT_SECONDS);
  const engine = new ConversationEngine({
    parser: matcher,
    skills,
    sessions,
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(config.ZALO_QUICK_REPLY_BUTTONS) },
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Trợ lý giảm nghèo API',
        description: 'Chatbot of the sustainable-poverty-reduction programme: chat, NLU, screening, announcements.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerHealthRoute(app, () => ready);
  registerChatRoute(app, engine);

  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('preClose', async () => {
    ready = false;
  });
  app.addHook('onClose', async () => {
    await engine.idle();
    await sessions.stop();
    await storage.flush();
  });
  return app;
}
