import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/errors.js';
import { pageHeaders } from '../http/page-headers.js';

/** A built browser bundle as scripts/build.mjs records it in public/build/manifest.json. */
interface ManifestEntry {
  file: string;
}

/** How long /widget.js (the stable address portals embed) may point at one build. */
const WIDGET_ALIAS_MAX_AGE_S = 300;
/** Top-level files of public/ served as pages and their stylesheets. */
const PAGE_FILE = /^[\w-]+\.(html|css)$/;

/**
 * The service's own static files:
 * - /build/<name>.<hash>.js: content-hashed bundles, cached for a year, precompressed (br, gzip), loadable from any
 *   origin (the widget runs on portal pages);
 * - /widget.js: the address portals embed; a short-lived redirect to the current hashed widget;
 * - / (index.html, the demo portal page) and the other top-level pages of public/, with a Content-Security-Policy.
 */
export async function registerStaticRoutes(app: FastifyInstance, options: { publicDir?: string } = {}): Promise<void> {
  const publicDir = resolve(options.publicDir ?? 'public');
  const buildDir = join(publicDir, 'build');
  const manifest = await readManifest(buildDir);
  if (!manifest.widget) app.log.warn('widget bundle not built: run "npm run build"; /widget.js answers 503 until then');
  const pages = (await readdir(publicDir, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isFile() && PAGE_FILE.test(entry.name))
    .map((entry) => entry.name);

  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: buildDir,
      prefix: '/build/',
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      // The manifest changes with every build; it is read by the server, not by browsers.
      allowedPath: (path) => path !== '/manifest.json',
      setHeaders: (reply) => {
        reply.header('X-Content-Type-Options', 'nosniff');
        reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    });

    scope.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
      if (!manifest.widget) {
        return sendError(reply, 'widget_not_built');
      }
      return reply
        .header('Cache-Control', `public, max-age=${WIDGET_ALIAS_MAX_AGE_S}`)
        .header('Cross-Origin-Resource-Policy', 'cross-origin')
        .redirect(`build/${manifest.widget.file}`, 302);
    });

    await scope.register(async (pageScope) => {
      // 'self' covers ws: in current browsers; the explicit socket origin is for older ones.
      await pageScope.register(helmet, pageHeaders({ connectSrc: [(req) => socketOrigin(req as FastifyRequest['raw'])] }));
      for (const page of pages) {
        const send = async (_request: FastifyRequest, reply: FastifyReply) =>
          reply.sendFile(page, publicDir, { maxAge: 0, immutable: false, cacheControl: true });
        pageScope.get(`/${page}`, { schema: { hide: true } }, send);
        if (page === 'index.html') pageScope.get('/', { schema: { hide: true } }, send);
      }
    });
  });
}

async function readManifest(buildDir: string): Promise<Partial<Record<string, ManifestEntry>>> {
  try {
    return JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8'));
  } catch {
    return {};
  }
}

function socketOrigin(req: { headers: Record<string, string | string[] | undefined> }): string {
  const host = req.headers.host;
  return typeof host === 'string' && /^[\w.:[\]-]+$/.test(host) ? `ws://${host} wss://${host}` : "'self'";
}
