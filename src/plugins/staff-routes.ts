import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { type Config, publicBasePath } from '../config.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { AppError } from '../errors.js';
import { sendError } from '../http/errors.js';
import { accountPatchSchema, newAccountSchema, passwordSchema, usernameSchema } from '../staff/account-input.js';
import { AuditLog } from '../staff/audit-log.js';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from '../staff/login-throttle.js';
import type { StaffIdentity } from '../staff/scope.js';
import { LoginThrottledError, StaffService } from '../staff/staff-service.js';
import { summarizeUnanswered } from '../staff/unanswered-questions.js';
import type { Storage } from '../storage/repositories.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in staff member (set by the staff guard). */
    staff: StaffIdentity | null;
  }
  interface FastifyInstance {
    /** onRequest hook for staff-only routes of other plugins (which name 'staff' among their dependencies). */
    staffGuard: StaffGuard;
    /** The audit log every staff action is written to. */
    audit: AuditLog;
  }
}

export const STAFF_COOKIE = 'staff_session';

export interface StaffConsoleOptions {
  config: Pick<Config, 'ADMIN_USERNAME' | 'ADMIN_PASSWORD' | 'STAFF_SESSION_HOURS' | 'PUBLIC_BASE_URL' | 'QUIET_HOURS'>;
  storage: Pick<Storage, 'staff' | 'staffSessions' | 'unanswered' | 'tokens' | 'audit'>;
  clock: Clock;
  communes: CommuneDirectory;
  zaloEnabled: boolean;
  /** The Zalo webhook's signature alert (a wrong ZALO_OA_SECRET_KEY), when Zalo is on. */
  webhookAlert?: () => string | null;
}

/**
 * An onRequest hook: checks the session cookie (401), the role (403) and, for changes, that the request comes from
 * this site (403), before anything reads the body.
 */
export type StaffGuard = (role?: 'admin') => onRequestAsyncHookHandler;

const identitySchema = z.object({
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['admin', 'officer']),
  communes: z.array(z.string()),
});
const accountSchema = identitySchema.extend({ disabled: z.boolean(), createdAt: z.string() });
const noContent = { 204: z.null() };

/**
 * The staff console's API: login (HttpOnly, SameSite=Strict cookie), logout, accounts (admins), the audit log and
 * unanswered questions (admins), the console page; decorates `staffGuard` and `audit`. The first admin comes from
 * ADMIN_USERNAME / ADMIN_PASSWORD when no account of that name exists yet.
 */
export async function registerStaffConsole(app: FastifyInstance, options: StaffConsoleOptions): Promise<void> {
  const { config, storage, clock, communes } = options;
  const audit = new AuditLog(storage.audit, clock);
  const staff = new StaffService({
    staff: storage.staff,
    sessions: storage.staffSessions,
    audit,
    clock,
    sessionHours: config.STAFF_SESSION_HOURS,
    isCommune: (id) => communes.byId(id) !== undefined,
    throttle: new LoginThrottle(clock, DEFAULT_LOGIN_LIMITS, app.sharedState?.loginFailures ?? undefined),
  });
  const firstAdmin = await staff.ensureFirstAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD);
  if (firstAdmin === 'created') app.log.info({ username: config.ADMIN_USERNAME }, 'first admin account created');
  if (firstAdmin === 'weak_password') {
    app.log.error(
      { username: config.ADMIN_USERNAME },
      'ADMIN_PASSWORD is too easy to guess: no admin created; set a passphrase of 3-4 unrelated words and restart',
    );
  }

  app.decorate('audit', audit);
  // Sent only to this service's paths: PUBLIC_BASE_URL's, when a portal publishes it under a path beside other sites.
  const sessionCookie: SessionCookie = {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.PUBLIC_BASE_URL.startsWith('https:'),
    path: `${publicBasePath(config)}/`,
  };
  const publicOrigin = new URL(config.PUBLIC_BASE_URL).origin;
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  app.decorateRequest('staff', null);
  const guard: StaffGuard = (role) => async (request) => {
    const identity = await staff.authenticate(request.cookies[STAFF_COOKIE]);
    if (!identity) throw new AppError('unauthenticated');
    if (role === 'admin' && identity.role !== 'admin') {
      throw new AppError('admin_only');
    }
    if (request.method !== 'GET' && !sameSite(request, publicOrigin)) {
      throw new AppError('cross_site');
    }
    request.staff = identity;
  };
  app.decorate('staffGuard', guard);
  registerStaffRoutes(app, {
    staff,
    guard,
    storage,
    sessionCookie,
    sessionHours: config.STAFF_SESSION_HOURS,
    audit,
    zaloEnabled: options.zaloEnabled,
    webhookAlert: options.webhookAlert ?? (() => null),
    quietHours: config.QUIET_HOURS ? `${hhmm(config.QUIET_HOURS.fromMinute)}–${hhmm(config.QUIET_HOURS.toMinute)}` : null,
  });
  await registerConsolePage(app);
}

interface SessionCookie {
  httpOnly: true;
  sameSite: 'strict';
  secure: boolean;
  path: string;
}

/**
 * SameSite=Strict already keeps the cookie off other sites' requests; an Origin from elsewhere is refused too. This
 * site is the Host asked for, or PUBLIC_BASE_URL's origin (a reverse proxy may pass its own Host on).
 */
function sameSite(request: FastifyRequest, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === publicOrigin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function registerStaffRoutes(
  app: FastifyInstance,
  o: {
    staff: StaffService;
    guard: StaffGuard;
    storage: StaffConsoleOptions['storage'];
    sessionCookie: SessionCookie;
    sessionHours: number;
    audit: AuditLog;
    zaloEnabled: boolean;
    webhookAlert: () => string | null;
    /** "21:00–07:00" (Asia/Ho_Chi_Minh) or null: when Zalo announcements wait. */
    quietHours: string | null;
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const staffOf = (request: FastifyRequest) => request.staff!;
  const tags = ['staff'];

  r.post(
    '/api/staff/login',
    {
      schema: {
        tags,
        summary: 'Log in; sets the HttpOnly session cookie',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
        response: { 200: identitySchema },
      },
    },
    async (request, reply) => {
      try {
        const { token, staff } = await o.staff.login(request.body.username, request.body.password, request.ip);
        reply.setCookie(STAFF_COOKIE, token, {
          ...o.sessionCookie,
          // Relative, so a browser whose clock is off keeps it for the right time; the server enforces expiry itself.
          maxAge: o.sessionHours * 3600,
        });
        return staff;
      } catch (error) {
        if (error instanceof LoginThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    },
  );

  r.post(
    '/api/staff/logout',
    { schema: { tags, summary: 'Log out (ends the session)', response: noContent } },
    async (request, reply) => {
      const token = request.cookies[STAFF_COOKIE];
      const identity = await o.staff.authenticate(token);
      if (token && identity) await o.staff.logout(token, identity);
      reply.clearCookie(STAFF_COOKIE, { path: o.sessionCookie.path });
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/staff/me',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'The logged-in staff member and the state of the Zalo channel',
        response: {
          200: identitySchema.extend({
            zalo: z.object({ enabled: z.boolean(), alert: z.string().nullable(), webhookAlert: z.string().nullable() }),
            quietHours: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => ({
      ...staffOf(request),
      zalo: { enabled: o.zaloEnabled, alert: (await o.storage.tokens.get())?.alert ?? null, webhookAlert: o.webhookAlert() },
      quietHours: o.quietHours,
    }),
  );

  r.post(
    '/api/staff/password',
    {
      onRequest: o.guard(),
      schema: {
        tags,
        summary: 'Change one’s own password',
        body: z.object({ current: z.string().min(1).max(200), next: passwordSchema }),
        response: noContent,
      },
    },
    async (request, reply) => {
      await o.staff.changeOwnPassword(staffOf(request), request.cookies[STAFF_COOKIE]!, request.body.current, request.body.next);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/staff/accounts',
    { onRequest: o.guard('admin'), schema: { tags, summary: 'Staff accounts (admins)', response: { 200: z.array(accountSchema) } } },
    async () => o.staff.list(),
  );

  r.post(
    '/api/staff/accounts',
    {
      onRequest: o.guard('admin'),
      schema: { tags, summary: 'Create a staff account (admins)', body: newAccountSchema, response: { 201: accountSchema } },
    },
    async (request, reply) => reply.code(201).send(await o.staff.create(staffOf(request).username, request.body)),
  );

  r.patch(
    '/api/staff/accounts/:username',
    {
      onRequest: o.guard('admin'),
      schema: {
        tags,
        summary: 'Change communes, role, name or password, or lock an account (admins)',
        params: z.object({ username: usernameSchema }),
        body: accountPatchSchema,
        response: { 200: accountSchema },
      },
    },
    async (request) => o.staff.update(staffOf(request), request.params.username, request.body),
  );

  r.delete(
    '/api/staff/accounts/:username',
    {
      onRequest: o.guard('admin'),
      schema: { tags, summary: 'Delete a staff account (admins)', params: z.object({ username: usernameSchema }), response: noContent },
    },
    async (request, reply) => {
      await o.staff.remove(staffOf(request), request.params.username);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/staff/audit',
    {
      onRequest: o.guard('admin'),
      schema: {
        tags,
        summary: 'The audit log, newest first (admins); page with `before` = the last `at` seen',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              at: z.string(),
              actor: z.string(),
              action: z.string(),
              target: z.string(),
              details: z.record(z.string(), z.unknown()).optional(),
            }),
          ),
        },
      },
    },
    async (request) => o.audit.list(request.query),
  );

  r.get(
    '/api/staff/unanswered',
    {
      onRequest: o.guard('admin'),
      schema: {
        tags,
        summary: 'Questions the bot could not answer, most frequent first (words only where the citizen consented)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            total: z.number(),
            withheld: z.number(),
            questions: z.array(z.object({ text: z.string(), count: z.number(), lastAt: z.string() })),
          }),
        },
      },
    },
    async (request) => summarizeUnanswered(await o.storage.unanswered.list(), request.query.limit),
  );
}


const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * /console (the address staff are given) and /console.js, a short-lived redirect to the content-hashed console bundle
 * named in public/build/manifest.json (the page itself, public/console.html, is served with the site's CSP).
 */
async function registerConsolePage(app: FastifyInstance, publicDir = 'public'): Promise<void> {
  let bundle: string | undefined;
  try {
    const manifest = JSON.parse(await readFile(join(publicDir, 'build', 'manifest.json'), 'utf8')) as Record<string, { file?: string }>;
    bundle = manifest.console?.file;
  } catch {
    bundle = undefined;
  }
  if (!bundle) app.log.warn('console bundle not built: run "npm run build"; /console.js answers 503 until then');
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('console.html', 302));
  app.get('/console.js', { schema: { hide: true } }, (_request, reply) => {
    if (!bundle) {
      return sendError(reply, 'console_not_built');
    }
    return reply.header('Cache-Control', 'no-cache').redirect(`build/${bundle}`, 302);
  });
}
