import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/errors.js';
import { registerStaticRoutes } from '../../src/plugins/static-routes.js';

const WIDGET = 'widget.abc123.js';
const code = 'console.log("tro ly");'.repeat(20);
let app: FastifyInstance;
let dir: string;

async function publicDir(withBuild: boolean): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'public-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Cổng thông tin</title>');
  await writeFile(join(dir, 'demo.css'), 'body{color:#222}');
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/widget.ts'), 'export {};');
  if (withBuild) {
    await mkdir(join(dir, 'build'));
    await writeFile(join(dir, 'build/manifest.json'), JSON.stringify({ widget: { file: WIDGET } }));
    await writeFile(join(dir, 'build', WIDGET), code);
    await writeFile(join(dir, 'build', `${WIDGET}.gz`), gzipSync(code));
    await writeFile(join(dir, 'build', `${WIDGET}.br`), brotliCompressSync(code));
  }
  return dir;
}

async function start(withBuild = true): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  registerErrorHandling(app);
  await registerStaticRoutes(app, { publicDir: await publicDir(withBuild) });
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('widget script', () => {
  it('/widget.js is a short-lived redirect to the content-hashed bundle, relative so a path prefix stays', async () => {
    await start();
    const res = await app.inject('/widget.js');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`build/${WIDGET}`);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('serves the hashed bundle precompressed, cached for a year, loadable from portal origins', async () => {
    await start();
    const br = await app.inject({ url: `/build/${WIDGET}`, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(br.headers['x-content-type-options']).toBe('nosniff');
    expect(br.headers['content-type']).toMatch(/javascript/);
    const gz = await app.inject({ url: `/build/${WIDGET}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ url: `/build/${WIDGET}`, headers: { 'accept-encoding': 'identity' } });
    expect(plain.body).toBe(code);
  });

  it('does not serve the manifest or the sources', async () => {
    await start();
    expect((await app.inject('/build/manifest.json')).statusCode).toBeGreaterThanOrEqual(403);
    expect((await app.inject('/src/widget.ts')).statusCode).toBe(404);
    expect((await app.inject('/build/..%2Findex.html')).statusCode).toBeGreaterThanOrEqual(400);
  });

  it('answers 503 with a message when the widget has not been built', async () => {
    await start(false);
    const res = await app.inject('/widget.js');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'widget_not_built', message: expect.stringContaining('npm run build') });
  });
});

describe('pages', () => {
  it('serves the demo page at / with a Content-Security-Policy that allows only the service itself', async () => {
    await start();
    const res = await app.inject({ url: '/', headers: { host: 'chatbot.example.gov.vn' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Cổng thông tin');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' ws://chatbot.example.gov.vn wss://chatbot.example.gov.vn");
    expect(csp).not.toContain('unsafe-inline');
    expect((await app.inject('/index.html')).statusCode).toBe(200);
    expect((await app.inject('/demo.css')).headers['content-type']).toMatch(/text\/css/);
  });
});
