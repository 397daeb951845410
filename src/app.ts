import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import { SignatureWatch } from './channels/zalo/signature-watch.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, docsEnabled, publicBasePath, zaloSettings } from './config.js';
import { loadAnswerContent } from './content/answer-content.js';
import { loadCommunes } from './content/communes.js';
import { loadHolidays } from './content/holidays.js';
import { INTENT_NAMES } from './content/intents-list.js';
import { trainingUtterancesOf } from './content/knowledge.js';
import { loadPovertyRules } from './content/standards.js';
import { registerErrorHandling } from './http/errors.js';
import { registerHealthRoute } from './http/health.js';
import { pageHeaders } from './http/page-headers.js';
import { registerRateLimit } from './http/rate-limit.js';
import { InProcessJobQueue, type JobQueue } from './jobs/job-queue.js';
import { loggerOptions, requestLoggerFactory } from './logger.js';
import { loadMatcher } from './nlu/matcher.js';
import { readRetrievalIndex } from './nlu/retrieval-snapshot.js';
import { announcementsPlugin } from './plugins/announcements.js';
import { conversationPlugin } from './plugins/conversation.js';
import { dashboardRoutes } from './plugins/dashboard-routes.js';
import { handoffPlugin } from './plugins/handoff.js';
import { jobsPlugin } from './plugins/jobs.js';
import { registerNluRoutes } from './plugins/nlu-routes.js';
import { privacyPlugin } from './plugins/privacy.js';
import { registerScreeningRoutes } from './plugins/screening-routes.js';
import { staffPlugin } from './plugins/staff.js';
import { registerStaticRoutes } from './plugins/static-routes.js';
import { statsPlugin } from './plugins/stats.js';
import { webChannelPlugin, webPushPlugin } from './plugins/web.js';
import { zaloChannelPlugin, zaloOutboundPlugin } from './plugins/zalo.js';
import { sharedState } from './shared-state/index.js';
import { connectRedis } from './shared-state/redis.js';
import { openStorage } from './storage/index.js';
import type { Storage } from './storage/repositories.js';

export interface AppOverrides {
  clock?: Clock;
  storage?: Storage;
  /** Where log lines go (tests count them); stdout by default. */
  logDestination?: DestinationStream;
}

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
 * /docs: the OpenAPI UI and JSON, with the security headers of the service's pages. Swagger UI styles its elements
 * inline, so only styles may be inline; its scripts are its own files.
 */
async function registerDocs(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(helmet, pageHeaders({ styleSrc: ["'unsafe-inline'"] }));
    // indexPrefix: /docs (no trailing slash) links its assets by absolute path, which must carry that prefix too.
    await scope.register(swaggerUi, { routePrefix: '/docs', indexPrefix: publicBasePath(config), uiConfig: { validatorUrl: null } });
  });
}

/** Jobs in PostgreSQL (pg-boss) beside a PostgreSQL storage, so any instance may take them; else in this process. */
async function openJobQueue(config: Config, log: FastifyBaseLogger): Promise<JobQueue> {
  if (!config.DATABASE_URL) return new InProcessJobQueue();
  // Loaded only here, so that the embedded deployment's start-up does not load pg-boss.
  const { jobSchemaFor, PgBossQueue } = await import('./jobs/pg-boss-queue.js');
  const queue = new PgBossQueue({
    connectionString: config.DATABASE_URL,
    schema: jobSchemaFor(config.DATABASE_URL),
    poolSize: config.DATABASE_POOL_SIZE,
    log,
    maintenanceSeconds: config.JOB_MAINTENANCE_SECONDS,
  });
  await queue.start();
  return queue;
}

/**
 * Builds the whole service without listening: the composition root. Content and data are loaded and validated
 * here (a bad file fails this call with a ContentError or StorageError naming it); then the plugins are registered
 * in dependency order, each declaring the decorators it needs (fastify-plugin `dependencies`).
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: overrides.logDestination ? { ...loggerOptions(config), stream: overrides.logDestination } : loggerOptions(config),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIds(),
    childLoggerFactory: requestLoggerFactory,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, app.log) : null;
  // onClose hooks run last-added first: added before any plugin, this one runs after all of theirs.
  if (redis) app.addHook('onClose', () => redis.close());
  const shared = await sharedState({ redis, databaseUrl: config.DATABASE_URL }, app.log);
  app.addHook('onClose', () => shared.close());
  app.decorate('sharedState', shared);
  await registerRateLimit(app, config, redis);

  const clock = overrides.clock ?? systemClock;
  // Storage: DATABASE_URL → PostgreSQL (migrated before anything reads), else the lowdb files in DATA_DIR. A storage
  // handed in by the caller stays the caller's to close.
  const storage = overrides.storage ?? (await openStorage({ databaseUrl: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, dataDir: config.DATA_DIR, log: app.log }));
  // onClose hooks run last-added first: added before any plugin, this one runs after all of theirs (the session
  // store's last snapshot included), so everything written is stored before the storage is released.
  app.addHook('onClose', async () => {
    await (overrides.storage ? storage.flush() : storage.close());
  });
  const communes = await loadCommunes(config.CONTENT_DIR);
  // dist/knowledge.json, knowledge-index.json and matcher-model.json are written by the build and used while the
  // files they were made from are unchanged; running from source there are none, and the work is done here.
  const { cards: answers, knowledge, knowledgeHash, loanRates } = await loadAnswerContent(config.CONTENT_DIR, INTENT_NAMES, {
    knowledgeSnapshot: new URL('./knowledge.json', import.meta.url),
  });
  const knowledgeIndex = await readRetrievalIndex(new URL('./knowledge-index.json', import.meta.url), knowledgeHash);
  const matcher = await loadMatcher({
    intentsDir: config.INTENTS_DIR,
    communes,
    extra: trainingUtterancesOf(knowledge),
    snapshotFile: new URL('./matcher-model.json', import.meta.url),
  });
  const povertyRules = await loadPovertyRules(`${config.CONTENT_DIR}/standards`);
  const holidays = await loadHolidays(config.CONTENT_DIR);
  const zalo = zaloSettings(config);

  // External plugins, then the areas in dependency order.
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
  if (docsEnabled(config)) await registerDocs(app, config);
  let ready = false;
  registerHealthRoute(app, () => ready, { database: () => storage.ping(), redis: redis ? () => redis.ping() : undefined });
  // First of the stop (before any plugin's preClose): /health answers 503, and keep-alive connections whose last
  // request finishes after the stop began, which would otherwise hold the process open for the keep-alive timeout,
  // are closed as soon as each falls idle.
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    ready = false;
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 50);
  });

  await app.register(jobsPlugin, { queue: await openJobQueue(config, app.log) });
  await app.register(zaloOutboundPlugin, { settings: zalo, storage, clock });
  await app.register(webPushPlugin);
  // Shared by the webhook (which feeds it) and the console (which shows its alert).
  const signatures = zalo ? new SignatureWatch(clock, app.log) : null;
  await app.register(staffPlugin, {
    config,
    storage,
    clock,
    communes,
    zaloEnabled: zalo !== null,
    webhookAlert: () => signatures?.alert() ?? null,
  });
  await app.register(announcementsPlugin, { storage, communes, clock, config });
  await app.register(statsPlugin, { storage });
  await app.register(handoffPlugin, { config, storage, clock, communes, holidays, knowledge });
  await app.register(conversationPlugin, {
    config,
    storage,
    clock,
    communes,
    answers,
    knowledge,
    knowledgeIndex,
    loanRates,
    povertyRules,
    parser: matcher,
  });
  await app.register(webChannelPlugin, { clock, config, communes });
  if (zalo && signatures) await app.register(zaloChannelPlugin, { settings: zalo, storage, communes, clock, signatures });
  await app.register(privacyPlugin, { config, storage, clock });
  await app.register(dashboardRoutes, { storage, clock, communes, categoryLabels: povertyRules.guidance.categoryLabels });
  await app.register(registerScreeningRoutes, { rules: povertyRules, clock });
  await app.register(registerNluRoutes, { parser: matcher });
  await app.register(registerStaticRoutes);

  // Last of the start, after every plugin's onReady.
  app.addHook('onReady', async () => {
    ready = true;
  });
  app.addHook('onClose', async () => {
    clearInterval(idleSweep);
  });
  return app;
}
