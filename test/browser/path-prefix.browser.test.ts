/**
 * The service behind a reverse proxy that publishes it under a path prefix and strips that prefix
 * (PUBLIC_BASE_URL=http://127.0.0.1:<proxy>/giamngheo), as a city portal would: the demo page with the widget (chat
 * over the socket), the staff console, the privacy page and /docs all work through the proxy, and no request of
 * theirs leaves the prefix. Run alone with `npx vitest run test/browser/path-prefix.browser.test.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { launchChromium } from '../support/chromium.js';
import { testServiceEnv } from '../support/storage.js';

const PREFIX = '/giamngheo';
const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-01' };

let app: FastifyInstance;
let proxy: Server;
let base: string;
let context: BrowserContext;
let page: Page;
const tempDirs: string[] = [];
const problems: string[] = [];
/** Every path the proxy was asked for that is not under the prefix. */
const outside: string[] = [];

/** The path under the prefix with the prefix removed, or null when `url` is outside it. */
function stripPrefix(url: string): string | null {
  if (url === PREFIX) return '/';
  return url.startsWith(`${PREFIX}/`) || url.startsWith(`${PREFIX}?`) ? url.slice(PREFIX.length).replace(/^\?/, '/?') : null;
}

/** The request head as the proxy passes it on: path stripped, Host kept (nginx's `proxy_set_header Host $host`). */
function head(method: string, path: string, headers: IncomingHttpHeaders): string {
  const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A prefix-stripping reverse proxy to `target` (HTTP and WebSocket upgrades), on 127.0.0.1. */
function startProxy(target: () => number): Server {
  const server = createServer((req, res) => {
    const path = stripPrefix(req.url ?? '/');
    if (path === null) {
      outside.push(`${req.method} ${req.url}`);
      res.writeHead(404).end();
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: target(), method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, rest) => {
    const path = stripPrefix(req.url ?? '/');
    if (path === null) {
      outside.push(`UPGRADE ${req.url}`);
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const upstream = connect(target(), '127.0.0.1', () => {
      upstream.write(head(req.method ?? 'GET', path, req.headers));
      upstream.write(rest);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return server;
}

beforeAll(async () => {
  await promisify(execFile)('node', ['scripts/build.mjs', '--browser']);
  let servicePort = 0;
  proxy = startProxy(() => servicePort);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(proxy.address() as { port: number }).port}${PREFIX}`;

  const dataDir = await mkdtemp(join(tmpdir(), 'prefix-browser-data-'));
  tempDirs.push(dataDir);
  app = await buildApp(
    loadConfig({
      DATA_DIR: dataDir,
      ...(await testServiceEnv(dataDir)),
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: base,
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  servicePort = (app.server.address() as { port: number }).port;

  const profile = await mkdtemp(join(tmpdir(), 'prefix-browser-profile-'));
  tempDirs.push(profile);
  context = await launchChromium(profile);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    // The console asks who is logged in before anyone is: that 401 is expected.
    const notLoggedInYet = message.text().includes('401') && message.location().url.endsWith('/api/staff/me');
    if (message.type() === 'error' && !notLoggedInYet) problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe(`the service published under ${PREFIX} by a prefix-stripping proxy`, { timeout: 60_000 }, () => {
  it('serves the demo page, whose widget chats over the socket and links under the prefix', async () => {
    const socketUrls: string[] = [];
    page.on('websocket', (socket) => socketUrls.push(socket.url()));
    await page.goto(`${base}/`);
    const widget = (selector: string) => page.locator(`tro-ly-giam-ngheo ${selector}`);
    await page.getByRole('button', { name: /Trợ lý/ }).first().click();
    const before = await widget('.msg.bot').count();
    await widget('#tl-input').fill('ho ngheo duoc vay von bao nhieu');
    await widget('#tl-input').press('Enter');
    await expect.poll(() => widget('.msg.bot').count(), { timeout: 15_000 }).toBeGreaterThan(before);
    expect(socketUrls.length).toBeGreaterThan(0);
    for (const url of socketUrls) expect(url.startsWith(`ws://127.0.0.1:${new URL(base).port}${PREFIX}/`), url).toBe(true);
    // Links the service wrote (the privacy notice of a first message links the privacy page) are under PUBLIC_BASE_URL.
    const ownLinks = (await widget('a[href]').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href))).filter(
      (href) => new URL(href).host === new URL(base).host,
    );
    expect(ownLinks).toContain(`${base}/privacy`);
    for (const href of ownLinks) expect(href.startsWith(`${base}/`), href).toBe(true);
  });

  it('serves the privacy page', async () => {
    const response = await page.goto(`${base}/privacy`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').first().textContent()).toBeTruthy();
  });

  it('serves the staff console, which logs in and loads its data', async () => {
    await page.goto(`${base}/console`);
    await page.getByLabel('Tên đăng nhập').fill(ADMIN.username);
    await page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Quản trị thông báo' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByPlaceholder('Tìm xã/phường…').count(), { timeout: 15_000 }).toBe(1);
    // The session cookie goes to this service only, not to the other sites of the portal's host.
    expect((await context.cookies()).map((c) => c.path)).toEqual([`${PREFIX}/`]);
  });

  it('serves the OpenAPI page (/docs) with its assets and description', async () => {
    await page.goto(`${base}/docs`);
    await expect.poll(() => page.getByText('Trợ lý giảm nghèo API').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('sent no request outside the prefix and logged no error', () => {
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
