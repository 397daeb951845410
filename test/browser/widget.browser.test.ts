/**
 * The widget in headless Chromium, embedded in a portal page served from another origin, talking to the whole
 * service (buildApp on a free port, temp data dir). Run alone with `npx vitest run test/browser`.
 * The steps share one browser profile and run in order: each builds on the conversation of the previous ones.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { launchChromium } from '../support/chromium.js';
import { storageMentions } from '../support/data-files.js';
import { testServiceEnv } from '../support/storage.js';

const COMMUNE = '10525';
const QUESTION = 'ho ngheo duoc vay von o dau';
const INJECTION = '<img src=x onerror=alert(1)>';
/** In the answer to QUESTION: where to go (the savings-and-loan group of the policy bank). */
const ANSWERED = 'tổ tiết kiệm và vay vốn';

let app: FastifyInstance;
let hostServer: Server;
let hostOrigin: string;
let serviceOrigin: string;
let context: BrowserContext;
let page: Page;
const tempDirs: string[] = [];
const problems: string[] = [];
/** Routes other parts of the service have not wired yet: the browser logs their 404s, which are then expected. */

/** A portal page with hostile CSS: it must not reach into the widget. `?nows` blocks WebSockets. */
function portalPage(url: URL): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thông tin thử nghiệm</title>
<style>button, div, input { display: none !important; } * { font-size: 40px !important; color: lime !important; }</style>
<script>document.addEventListener('DOMContentLoaded', () => { window.__dcl = performance.now(); });</script>
${url.searchParams.has('nows') ? '<script>window.WebSocket = undefined;</script>' : ''}
<script src="${serviceOrigin}/widget.js" defer data-commune="${COMMUNE}" data-title="Trợ lý giảm nghèo" data-color="#ffeb3b"></script>
</head><body><header><a href="#main">Trang chủ</a></header><main id="main"><h1>Phường Hải Dương</h1><p>Tin tức.</p></main></body></html>`;
}

const widget = (selector: string) => page.locator(`tro-ly-giam-ngheo ${selector}`);
/** By role and name, as a screen reader finds it (the panel's close button, later in the DOM, also names "Trợ lý"). */
const launcher = () => page.getByRole('button', { name: /Trợ lý/ }).first();
const log = () => widget('[role=log]');
const botMessages = () => widget('.msg.bot');
const shadowActive = () => page.evaluate(() => document.querySelector('tro-ly-giam-ngheo')?.shadowRoot?.activeElement?.id ?? '');
const launcherFocused = () =>
  page.evaluate(() => document.querySelector('tro-ly-giam-ngheo')?.shadowRoot?.activeElement?.classList.contains('launcher'));

/** Sends a message through the input and waits until it is answered. */
async function ask(text: string): Promise<void> {
  const before = await botMessages().count();
  await widget('#tl-input').fill(text);
  await widget('#tl-input').press('Enter');
  await expect.poll(() => botMessages().count(), { timeout: 15_000 }).toBeGreaterThan(before);
  await expect(widget('.msg.user .meta').count()).resolves.toBe(0);
}

beforeAll(async () => {
  await promisify(execFile)('node', ['scripts/build.mjs', '--browser']);
  hostServer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(portalPage(new URL(req.url ?? '/', 'http://localhost')));
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  const hostPort = (hostServer.address() as { port: number }).port;
  hostOrigin = `http://localhost:${hostPort}`;

  const dataDir = await mkdtemp(join(tmpdir(), 'widget-browser-data-'));
  tempDirs.push(dataDir);
  app = await buildApp(
    loadConfig({
      DATA_DIR: dataDir,
      ...(await testServiceEnv(dataDir)),
      LOG_LEVEL: 'silent',
      ALLOWED_ORIGINS: hostOrigin,
      SESSION_SNAPSHOT_SECONDS: '1',
    }),
  );
  serviceOrigin = await app.listen({ host: '127.0.0.1', port: 0 });

  const profile = await mkdtemp(join(tmpdir(), 'widget-browser-profile-'));
  tempDirs.push(profile);
  context = await launchChromium(profile);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    // The fallback step takes the browser offline on purpose; Chromium logs each request that fails meanwhile.
    const offlineOnPurpose = message.text().includes('net::ERR_INTERNET_DISCONNECTED');
    if (!offlineOnPurpose) problems.push(`console: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  await new Promise((resolve) => hostServer?.close(resolve));
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('widget on a portal page of another origin', { timeout: 60_000 }, () => {
  it('mounts an isolated launcher whose name says "Trợ lý", with a readable colour', async () => {
    await page.goto(hostOrigin);
    await expect.poll(() => launcher().isVisible()).toBe(true);
    expect(await launcher().evaluate((el) => el.classList.contains('launcher'))).toBe(true);
    const timing = await page.evaluate(() => {
      const ready = performance.getEntriesByName('tro-ly-giam-ngheo:ready')[0]?.startTime ?? Number.NaN;
      return { ready, dcl: (window as unknown as { __dcl: number }).__dcl };
    });
    console.log(
      `widget launcher interactive ${(timing.ready - timing.dcl).toFixed(1)} ms from DOMContentLoaded ` +
        `(negative: before it; ${timing.ready.toFixed(0)} ms after navigation start)`,
    );
    const { color, fontSize } = await launcher().evaluate((el) => ({
      color: getComputedStyle(el).backgroundColor,
      fontSize: getComputedStyle(el).fontSize,
    }));
    expect(fontSize).toBe('16px');
    expect(contrastWithWhite(color)).toBeGreaterThanOrEqual(4.5);
  });

  it('opens with the keyboard into a labelled input', async () => {
    for (let i = 0; i < 5 && !(await launcherFocused()); i++) await page.keyboard.press('Tab');
    expect(await launcherFocused()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => widget('[role=dialog]').isVisible()).toBe(true);
    expect(await shadowActive()).toBe('tl-input');
    expect(await page.getByLabel('Câu hỏi của bạn').isVisible()).toBe(true);
    expect(await launcher().getAttribute('aria-expanded')).toBe('true');
  });

  it('answers a question typed without diacritics, announcing only the new bot messages', async () => {
    await ask(QUESTION);
    expect(await log().textContent()).toContain(ANSWERED);
    expect(await log().getAttribute('aria-live')).toBe('off');
    const announced = await widget('[aria-live=polite]').textContent();
    expect(announced).toContain(ANSWERED);
    expect(announced).not.toContain(QUESTION);
  });

  it('shows markup typed or received as text, never as HTML', async () => {
    await ask(INJECTION);
    expect(await widget('.msg.user').last().textContent()).toContain(INJECTION);
    expect(await widget('img').count()).toBe(0);
  });

  it('completes a screening with quick replies, when the screening skill is in the service', async () => {
    await ask('tu danh gia ho ngheo');
    if ((await botMessages().last().locator('progress').count()) === 0) {
      console.log('screening: the service does not run a screening flow yet (no "Câu n/m" question); step not exercised');
      return;
    }
    let answered = 0;
    while (answered < 25 && (await botMessages().last().locator('progress').count()) > 0) {
      const before = await botMessages().count();
      await widget('.quick button').first().click();
      await expect.poll(() => botMessages().count(), { timeout: 15_000 }).toBeGreaterThan(before);
      answered++;
    }
    console.log(`screening: ${answered} questions answered by tapping quick replies`);
    expect(await log().textContent()).toMatch(/có khả năng thuộc diện|không thuộc diện/);
  });

  it('keeps the conversation after a reload, without announcing the history', async () => {
    await page.reload();
    await launcher().click();
    expect(await log().textContent()).toContain(QUESTION);
    expect(await log().textContent()).toContain(ANSWERED);
    expect(await widget('[aria-live=polite]').textContent()).toBe('');
  });

  it('receives a live announcement of the page commune, shown as text', async () => {
    const announcement = {
      id: 'live-1',
      title: `Lịch rà soát hộ nghèo ${INJECTION}`,
      body: 'Nộp giấy đề nghị rà soát tại UBND phường từ 1/9.',
      publishedAt: '2026-11-28T03:00:00.000Z',
    };
    // The socket opened with the panel joins the commune with its hello; then one broadcast, which with REDIS_URL set
    // goes through Redis (as it would from another instance) rather than to this instance's widgets directly.
    await expect.poll(() => app.webPush.size).toBe(1);
    await app.webPush.broadcastToCommune(COMMUNE, announcement);
    const newsTab = page.getByRole('tab', { name: /Thông báo/ });
    await expect.poll(() => newsTab.textContent()).toContain('1 thông báo mới');
    expect(await widget('[aria-live=polite]').textContent()).toContain('Thông báo mới: Lịch rà soát hộ nghèo');
    await newsTab.click();
    await expect.poll(() => widget('#tl-news li').first().textContent()).toContain(announcement.title);
    expect(await widget('img').count()).toBe(0);
  });

  it('has no serious or critical accessibility violations (axe-core), on both tabs', async () => {
    await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
    const scan = () =>
      page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
        const result = await axe.run({ include: [['tro-ly-giam-ngheo']] });
        return result.violations.map((v) => `${v.impact}: ${v.id}`);
      });
    const newsViolations = await scan();
    await page.getByRole('tab', { name: /Trò chuyện/ }).click();
    const chatViolations = await scan();
    for (const found of [newsViolations, chatViolations]) {
      expect(found.filter((v) => v.startsWith('serious') || v.startsWith('critical'))).toEqual([]);
    }
  });

  it('closes with Escape and gives focus back to the launcher', async () => {
    await widget('#tl-input').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => widget('[role=dialog]').isVisible()).toBe(false);
    expect(await launcherFocused()).toBe(true);
  });

  it('clears the conversation on both sides', async () => {
    const stored = () =>
      page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), `tro-ly-giam-ngheo:${serviceOrigin}`);
    const { sessionId } = await stored();
    await expect.poll(() => storageMentions(tempDirs[0]!, sessionId), { timeout: 10_000 }).toBe(true);
    await page.keyboard.press('Enter');
    await widget('button:text("Xóa cuộc trò chuyện")').click();
    await widget('button:text-is("Xóa")').click();
    await expect.poll(() => widget('.msg').count()).toBe(1);
    const after = await stored();
    expect(after.messages).toEqual([]);
    expect(after.sessionId).not.toBe(sessionId);
    await expect.poll(() => storageMentions(tempDirs[0]!, sessionId), { timeout: 10_000 }).toBe(false);
    expect(await widget('[aria-live=polite]').textContent()).toContain('Đã xóa cuộc trò chuyện.');
  });

  it('fits a 320 px wide screen and respects reduced motion', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const box = await widget('[role=dialog]').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(320);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(await widget('.send').isVisible()).toBe(true);
    expect(await widget('[role=dialog]').evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
  });

  it('falls back to POST /api/chat when WebSockets are blocked, sending a message typed offline once back online', async () => {
    await page.goto(`${hostOrigin}/?nows`);
    await launcher().click();
    await context.setOffline(true);
    await widget('#tl-input').fill(QUESTION);
    await widget('#tl-input').press('Enter');
    await expect.poll(() => widget('.msg.user .meta').textContent()).toContain('Đang chờ gửi');
    await context.setOffline(false);
    await expect.poll(() => widget('.msg.user .meta').count(), { timeout: 20_000 }).toBe(0);
    expect(await log().textContent()).toContain(ANSWERED);
    expect(await widget('.msg.user').count()).toBe(1);
  });

  it('logged no console errors and opened no dialogs', () => {
    expect(problems).toEqual([]);
  });
});

/** WCAG contrast of an rgb() colour against white. */
function contrastWithWhite(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}
