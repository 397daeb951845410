import { z } from 'zod';
import { parseOfficeHours } from './domain/office-hours.js';

/**
 * All configuration comes from environment variables, parsed here once. A wrong value stops the process with
 * one line naming the variable (see formatConfigError).
 */
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().min(1).optional());
const intInRange = (min: number, max: number, dflt: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(dflt));
const boolText = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'use true or false' });
const isTrue = (v: z.infer<typeof boolText>) => v === 'true' || v === '1' || v === 'yes';
const bool = (dflt: boolean) => z.preprocess(emptyToUndefined, boolText.default(dflt ? 'true' : 'false').transform(isTrue));
/** A switch whose default depends on other settings (undefined when not set). */
const optionalBool = z.preprocess(emptyToUndefined, boolText.transform(isTrue).optional());
const absoluteUrl = z.url({ message: 'must be an absolute URL such as https://example.gov.vn' });
const url = (dflt: string) => z.preprocess(emptyToUndefined, absoluteUrl.default(dflt));

const quietHours = z.preprocess(
  (v) => (v === undefined ? '21:00-07:00' : v),
  z
    .string()
    .regex(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
      message: 'use HH:MM-HH:MM (24-hour, Asia/Ho_Chi_Minh), or empty to turn quiet hours off',
    })
    .transform((v) => {
      if (v === '') return null;
      const [from, to] = v.split('-').map((t) => {
        const [h, m] = t.split(':').map(Number);
        return h! * 60 + m!;
      });
      return { fromMinute: from!, toMinute: to! };
    }),
);

/** When commune staff answer handed-over conversations: "Mon-Fri 07:30-11:30,13:30-17:00" (Asia/Ho_Chi_Minh). */
const officeHours = z.preprocess(
  (v) => (emptyToUndefined(v) === undefined ? 'Mon-Fri 07:30-11:30,13:30-17:00' : v),
  z.string().transform((v, ctx) => {
    try {
      return parseOfficeHours(v);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${(error as Error).message} (format: "Mon-Fri 07:30-11:30,13:30-17:00", groups separated by ";")`,
      });
      return z.NEVER;
    }
  }),
);

const origins = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z.string().transform((v, ctx) => {
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const o of list) {
      try {
        const parsed = new URL(o);
        if (parsed.origin !== o.replace(/\/$/, '')) throw new Error('not an origin');
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like https://portal.haiphong.gov.vn` });
      }
    }
    return list.map((o) => o.replace(/\/$/, ''));
  }),
);

export const configSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: intInRange(0, 65535, 3000),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  /** Set: storage is PostgreSQL (src/storage/postgres), and DATA_DIR holds only the widget's generated secret. */
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^postgres(ql)?$/, message: 'must be a URL such as postgres://user:password@host:5432/database' }).optional(),
  ),
  /** Connections each instance keeps to PostgreSQL for its data, and as many again for its job queue. */
  DATABASE_POOL_SIZE: intInRange(1, 100, 10),
  CONTENT_DIR: z.preprocess(emptyToUndefined, z.string().default('./content')),
  INTENTS_DIR: z.preprocess(emptyToUndefined, z.string().default('./intents')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Unset: http://localhost:<PORT> (see loadConfig). */
  PUBLIC_BASE_URL: z.preprocess(emptyToUndefined, absoluteUrl.optional()),
  ALLOWED_ORIGINS: origins,
  TRUST_PROXY: bool(false),
  RATE_LIMIT_PER_MINUTE: intInRange(0, 1_000_000, 120),
  WIDGET_SOCKETS_PER_ADDRESS: intInRange(0, 10_000, 10),
  DOCS: optionalBool,
  WIDGET_SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_IDLE_MINUTES: intInRange(1, 24 * 60, 30),
  SESSION_SNAPSHOT_SECONDS: intInRange(1, 3600, 5),
  RETENTION_SESSION_DAYS: intInRange(1, 3650, 30),
  RETENTION_KEPT_ANSWERS_DAYS: intInRange(1, 3650, 365),
  RETENTION_AUDIT_DAYS: intInRange(1, 3650, 730),
  QUIET_HOURS: quietHours,
  OFFICE_HOURS: officeHours,
  /** Office minutes a handed-over question may wait for an officer to claim it before the bot takes it back. */
  HANDOFF_CLAIM_MINUTES: intInRange(5, 7 * 24 * 60, 240),
  /** Office minutes an officer who holds a conversation may leave the citizen without a reply. */
  HANDOFF_REPLY_MINUTES: intInRange(5, 7 * 24 * 60, 480),
  RETENTION_HANDOFF_DAYS: intInRange(1, 3650, 365),
  ZALO_APP_ID: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  ZALO_API_BASE: url('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: url('https://oauth.zaloapp.com'),
  ZALO_QUICK_REPLY_BUTTONS: bool(false),
  ZALO_MAX_REQUESTS_PER_MINUTE: intInRange(1, 100_000, 4000),
  /** With several instances: how long before a dead instance's citizens are taken over by another (plus JOB_MAINTENANCE_SECONDS). */
  ZALO_INBOX_LEASE_SECONDS: intInRange(2, 3600, 120),
  /**
   * With DATABASE_URL (several instances): seconds a delivery may stay "sending", or an announcement "publishing",
   * before another instance takes it over as its instance's died.
   */
  DELIVERY_LEASE_SECONDS: intInRange(5, 24 * 3600, 300),
  ADMIN_USERNAME: optionalString,
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
  STAFF_SESSION_HOURS: intInRange(1, 24 * 30, 12),
  /** With PostgreSQL: how often the job queue looks for jobs whose instance died (their lease ran out). */
  JOB_MAINTENANCE_SECONDS: intInRange(1, 3600, 30),
  /** Set when several instances run: rate limits, login throttling, widget push, sessions and the token lock go there. */
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be a Redis URL such as redis://127.0.0.1:6379 (rediss:// for TLS)' })
      .refine((v) => /^rediss?:\/\//.test(v), { message: 'must start with redis:// or rediss://' })
      .optional(),
  ),
  /** Put before every Redis key and channel, so several services (or tests) can share one Redis. */
  REDIS_KEY_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'use 1–64 letters, digits, "_", ".", ":" or "-"' })
      .default('tlgn:'),
  ),
});

export type Config = Omit<z.infer<typeof configSchema>, 'PUBLIC_BASE_URL'> & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {}

export function formatConfigError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `Invalid configuration: ${issue.path.join('.') || '(environment)'} ${issue.message}`)
    .join('\n');
}

/** Parse the environment; throws ConfigError whose message names each bad variable on its own line. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) throw new ConfigError(formatConfigError(result.error));
  const { PUBLIC_BASE_URL = `http://localhost:${result.data.PORT}` } = result.data;
  return { ...result.data, PUBLIC_BASE_URL };
}

/**
 * The path PUBLIC_BASE_URL puts in front of every route, without its trailing slash: '' for https://chatbot.gov.vn,
 * '/giamngheo' for https://portal.gov.vn/giamngheo behind a reverse proxy that strips that prefix.
 */
export function publicBasePath(config: Pick<Config, 'PUBLIC_BASE_URL'>): string {
  return new URL(config.PUBLIC_BASE_URL).pathname.replace(/\/+$/, '');
}

/** The Zalo channel runs only when every credential it needs is present. */
/** Whether /docs (OpenAPI UI and JSON) is served: DOCS when set, otherwise everywhere but production. */
export function docsEnabled(config: Pick<Config, 'DOCS' | 'NODE_ENV'>): boolean {
  return config.DOCS ?? config.NODE_ENV !== 'production';
}

export function zaloSettings(config: Config) {
  const { ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN } = config;
  if (!ZALO_APP_ID || !ZALO_APP_SECRET || !ZALO_OA_SECRET_KEY || !ZALO_REFRESH_TOKEN) return null;
  return {
    appId: ZALO_APP_ID,
    appSecret: ZALO_APP_SECRET,
    oaSecretKey: ZALO_OA_SECRET_KEY,
    accessToken: ZALO_ACCESS_TOKEN,
    refreshToken: ZALO_REFRESH_TOKEN,
    apiBase: config.ZALO_API_BASE.replace(/\/$/, ''),
    oauthBase: config.ZALO_OAUTH_BASE.replace(/\/$/, ''),
    quickReplyButtons: config.ZALO_QUICK_REPLY_BUTTONS,
    maxRequestsPerMinute: config.ZALO_MAX_REQUESTS_PER_MINUTE,
    inboxLeaseSeconds: config.ZALO_INBOX_LEASE_SECONDS,
  };
}
export type ZaloSettings = NonNullable<ReturnType<typeof zaloSettings>>;
