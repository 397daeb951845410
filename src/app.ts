import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createAnnouncements } from './announcements/announcements.js';
import { communeLabel } from './announcements/commune-label.js';
import { webCapabilities } from './channels/web/capabilities.js';
import { WebPushHub } from './channels/web/push-hub.js';
import { registerWebChannel } from './channels/web/web-channel.js';
import { zaloCapabilities } from './channels/zalo/capabilities.js';
import { communeResolver } from './channels/zalo/commune-resolver.js';
import { registerZaloWebhook } from './channels/zalo/webhook.js';
import { CitizenRegistry } from './citizens/registry.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, publicBasePath, zaloSettings } from './config.js';
import { loadAnswers } from './content/answers.js';
import { INTENT_NAMES } from './content/intents-list.js';
import { loadPovertyRules } from './content/standards.js';
import { loadCommunes } from './domain/communes.js';
import { ConversationEngine } from './engine/engine.js';
import { SessionStore } from './engine/session-store.js';
import type { Skill } from './engine/types.js';
import { registerAnnouncementFeed } from './http/announcement-routes.js';
import { registerCommunesRoutes } from './http/communes-routes.js';
import { registerErrorHandling } from './http/errors.js';
import { registerHealthRoute } from './http/health.js';
import { registerNluRoutes } from './http/nlu-routes.js';
import { PRIVACY_PAGE_PATH, registerPrivacyAdminRoutes, registerPrivacyPage } from './http/privacy-routes.js';
import { registerRateLimit } from './http/rate-limit.js';
import { registerScreeningRoutes } from './http/screening-routes.js';
import { registerStaffConsole } from './http/staff-routes.js';
import { registerStaticRoutes } from './http/static-routes.js';
import { loggerOptions, requestLoggerFactory } from './logger.js';
import { loadMatcher } from './nlu/matcher.js';
import { ConsentService } from './privacy/consent.js';
import { createPrivacyNoticeHook } from './privacy/notice-hook.js';
import { PersonalDataService } from './privacy/personal-data.js';
import { retentionPeriods } from './privacy/retention-periods.js';
import { RetentionJob } from './retention/retention-job.js';
import { createFaqSkill } from './skills/faq/faq-skill.js';
import { renderAnswerById } from './skills/faq/render-answer.js';
import { createPrivacySkill } from './skills/privacy/privacy-skill.js';
import { createScreeningSkill } from './skills/screening/screening-skill.js';
import { createSubscriptionSkill, SUBSCRIPTION_INTENTS } from './skills/subscriptions/subscription-skill.js';
import { AuditLog } from './staff/audit-log.js';
import { createUnansweredHook } from './staff/unanswered-questions.js';
import { openLowdbStorage } from './storage/lowdb/index.js';
import type { Storage } from './storage/repositories.js';

export interface AppOverrides {
  clock?: Clock;
  storage?: Storage;
}

/** The retention job's period; it also compacts the change logs, so the privacy page states it. */
const RETENTION_RUN_MINUTES = 60;

/** Largest JSON body any route accepts (a chat message is at most 2,000 characters). */
const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Request ids for the logs: the reverse proxy's X-Request-Id when it sends a sane one, else a random prefix per
 * process start and a counter (unique across restarts and instances, without a UUID's cost on every request).
 */
function requestIds(): (req: IncomingMessage) => string {
  const prefix = randomBytes(6).toString('base64url');
  let count = 0;
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && /^[\w-]{1,64}$/.test(given)) return given;
    count += 1;
    return `${prefix}-${count.toString(36)}`;
  };
}

/**
 * Builds the whole service without listening: content and data are loaded and validated here, so a bad content or
 * data file fails this call with a message naming the file.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIds(),
    childLoggerFactory: requestLoggerFactory,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await registerRateLimit(app, config);

  let ready = false;
  const clock = overrides.clock ?? systemClock;
  const storage = overrides.storage ?? (await openLowdbStorage(config.DATA_DIR));

  // Content: validated at start-up; any problem stops here.
  const communes = await loadCommunes(config.CONTENT_DIR);
  const answers = await loadAnswers(`${config.CONTENT_DIR}/answers`, INTENT_NAMES);
  // dist/matcher-model.json is written by the build; running from source, there is none and the matcher trains here.
  const matcher = await loadMatcher({
    intentsDir: config.INTENTS_DIR,
    communes,
    snapshotFile: new URL('./matcher-model.json', import.meta.url),
  });
  const povertyRules = await loadPovertyRules(`${config.CONTENT_DIR}/standards`);

  const zalo = zaloSettings(config);
  if (!zalo) app.log.info('Zalo channel off: ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY or ZALO_REFRESH_TOKEN not set');

  const ownedElsewhere = new Set<string>();
  ownedElsewhere.add('privacy');
  ownedElsewhere.add('screening_start');
  for (const intent of SUBSCRIPTION_INTENTS) ownedElsewhere.add(intent);
  const citizens = new CitizenRegistry(storage.citizens);
  const consent = new ConsentService({
    registry: citizens,
    keptAnswers: storage.keptAnswers,
    unanswered: storage.unanswered,
    holdMinutes: config.SESSION_IDLE_MINUTES,
  });
  const periods = retentionPeriods(config);
  const privacyPageUrl = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${PRIVACY_PAGE_PATH}`;
  const skills: Skill[] = [];
  skills.push(createFaqSkill({ answers, intents: INTENT_NAMES.filter((i) => !ownedElsewhere.has(i)) }));
  skills.push(createScreeningSkill({ rules: povertyRules, consent, communes }));
  const audit = new AuditLog(storage.audit, clock);
  // The Zalo sender and the widget hub are created after the engine, which needs the announcements' hook first.
  const announcements = createAnnouncements({
    storage,
    communes,
    audit,
    clock,
    quietHours: config.QUIET_HOURS,
    maxRequestsPerMinute: config.ZALO_MAX_REQUESTS_PER_MINUTE,
    zalo: zalo ? () => zaloChannel!.sender : null,
    web: () => webPush,
    log: app.log,
  });
  skills.push(createSubscriptionSkill({ registry: citizens, communes, feed: (id, limit) => announcements.service.feed(id, limit) }));

  const sessions = new SessionStore({ repo: storage.sessions, clock, idleMinutes: config.SESSION_IDLE_MINUTES });
  await sessions.restore();
  sessions.startSnapshots(config.SESSION_SNAPSHOT_SECONDS);
  const personalData = new PersonalDataService({ storage, sessions, consent, now: () => clock.now() });
  skills.push(
    createPrivacySkill({
      personalData,
      consent,
      privacyPageUrl,
      communeName: (id) => {
        const commune = communes.byId(id);
        return commune && communeLabel(commune);
      },
      intro: renderAnswerById(answers, 'privacy'),
    }),
  );
  const retention = new RetentionJob({ storage, personalData, clock, periods });
  const engine = new ConversationEngine({
    parser: matcher,
    skills,
    sessions,
    clock,
    capabilities: { web: webCapabilities, zalo: zaloCapabilities(config.ZALO_QUICK_REPLY_BUTTONS) },
    hooks: [
      createPrivacyNoticeHook({ registry: citizens, periods, privacyPageUrl }),
      announcements.pendingHook,
      createUnansweredHook((citizenId, text, at) => consent.recordUnanswered(citizenId, text, at)),
    ],
  });
  // Zalo OA: signed webhook, exactly-once replies; `zaloChannel.sender` writes to Zalo users (announcements).
  const zaloChannel = zalo
    ? registerZaloWebhook(app, { settings: zalo, engine, storage, citizens, clock, resolveCommune: communeResolver(communes) })
    : null;

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Trợ lý giảm nghèo API',
        description: 'Chatbot of the sustainable-poverty-reduction programme: chat, NLU, screening, announcements.',
        version: '0.1.0',
      },
      // "Try it out" calls the service under PUBLIC_BASE_URL's path, where a reverse proxy may strip a prefix.
      servers: [{ url: publicBasePath(config) || '/' }],
    },
    transform: jsonSchemaTransform,
  });
  // indexPrefix: /docs (no trailing slash) links its assets by absolute path, which must carry that prefix too.
  await app.register(swaggerUi, { routePrefix: '/docs', indexPrefix: publicBasePath(config) });

  registerHealthRoute(app, () => ready);
  const webPush = new WebPushHub();
  await registerWebChannel(app, {
    engine,
    clock,
    webPush,
    config,
    // The widget starts a new session after clearing, so nothing under the old one stays reachable: delete it all.
    onClear: [(sessionId) => personalData.deletePersonalData(SessionStore.key('web', sessionId), { kind: 'citizen' })],
    crossOriginRoutes: [(scope) => registerAnnouncementFeed(scope, announcements.service), (scope) => registerCommunesRoutes(scope, communes)],
  });
  await registerStaticRoutes(app);
  await registerStaffConsole(app, { config, storage, clock, communes, audit, announcements, zaloEnabled: zalo !== null });
  registerPrivacyAdminRoutes(app, { personalData, audit: storage.audit, guard: app.staffGuard, now: () => clock.now() });
  registerScreeningRoutes(app, { rules: povertyRules, clock });
  registerNluRoutes(app, matcher);
  registerPrivacyPage(app, {
    periods,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    snapshotSeconds: config.SESSION_SNAPSHOT_SECONDS,
    cleanupEveryMinutes: RETENTION_RUN_MINUTES,
  });

  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('onReady', async () => {
    retention.start(RETENTION_RUN_MINUTES, (error) => app.log.error({ err: error }, 'retention run failed'));
  });
  app.addHook('preClose', () => retention.stop());
  // Keep-alive connections whose last request finishes after the stop began would otherwise hold the process
  // open for the keep-alive timeout: close each one as soon as it falls idle.
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    ready = false;
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 50);
  });
  app.addHook('onClose', async () => {
    clearInterval(idleSweep);
    await engine.idle();
    await sessions.stop();
    await storage.flush();
  });
  return app;
}
