/**
 * The staff console in headless Chromium against the whole service (buildApp on a port, temp data dir, the mock Zalo
 * wired both ways): log in, compose with the preview, send, watch the delivery report fill in, and see a widget open
 * on a page of that commune receive the announcement live; then withdraw. Run alone: `npx vitest run test/browser`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { launchChromium } from '../support/chromium.js';
import { MockZalo } from '../support/mock-zalo/server.js';
import { freePort } from '../support/service-process.js';
import { testServiceEnv } from '../support/storage.js';

/** The demo portal page (public/index.html) is phường Hải Dương's. */
const COMMUNE = '10525';
const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-01' };
const TITLE = 'Lịch rà soát hộ nghèo năm 2027';
const DAY_MS = 24 * 3_600_000;

let app: FastifyInstance;
let mock: MockZalo;
let context: BrowserContext;
let consolePage: Page;
let portalPage: Page;
let url: string;
const tempDirs: string[] = [];
const problems: string[] = [];

/** A citizen subscribes in the Zalo chat; resolves once the confirmation reached the mock. */
async function subscribeOnZalo(userId: string): Promise<void> {
  const confirmed = new Promise<void>((resolve) => {
    const stop = mock.onMessage((m) => {
      if (m.userId === userId && m.text.includes('Đã đăng ký nhận thông báo của phường Hải Dương')) {
        stop();
        resolve();
      }
    });
  });
  await mock.userSendsText(userId, 'đăng ký nhận thông báo phường Hải Dương');
  await confirmed;
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') rightly refuses an injected script tag.
  await page.evaluate(await readFile('node_modules/axe-core/axe.min.js', 'utf8'));
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
}

beforeAll(async () => {
  await promisify(execFile)('node', ['scripts/build.mjs', '--browser']);
  const clock = new ManualClock('2026-11-28T03:00:00Z'); // 10:00 in Hải Phòng, outside quiet hours
  mock = await MockZalo.start({ clock, rateLimitPerMinute: 1_000_000 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'console-browser-data-'));
  tempDirs.push(dataDir);
  app = await buildApp(
    loadConfig({
      ...mock.env(),
      DATA_DIR: dataDir,
      ...(await testServiceEnv(dataDir)),
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: url,
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    { clock },
  );
  await app.listen({ host: '127.0.0.1', port });
  mock.webhookUrl = `${url}/webhooks/zalo`;

  // Three Zalo citizens subscribe in the chat; the first one then stays silent for more than 7 days.
  await subscribeOnZalo('7000000000000000001');
  clock.advance(8 * DAY_MS);
  await subscribeOnZalo('7000000000000000002');
  await subscribeOnZalo('7000000000000000003');

  const profile = await mkdtemp(join(tmpdir(), 'console-browser-profile-'));
  tempDirs.push(profile);
  context = await launchChromium(profile, { viewport: { width: 390, height: 844 } }); // a phone
  consolePage = context.pages()[0] ?? (await context.newPage());
  portalPage = await context.newPage();
  for (const page of [consolePage, portalPage]) {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }
  // The console asks before sending and before withdrawing.
  consolePage.on('dialog', (dialog) => void dialog.accept());
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  await mock?.close();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('staff console in a browser', () => {
  it('opens a widget on a page of the commune (it will receive the announcement live)', async () => {
    await portalPage.goto(`${url}/`);
    await portalPage.getByRole('button', { name: /Trợ lý/ }).first().click();
    await expect.poll(() => app.webPush.size, { timeout: 15_000 }).toBe(1);
  });

  it('refuses a wrong password with the server’s message, then logs in', async () => {
    await consolePage.goto(`${url}/console`);
    await consolePage.getByLabel('Tên đăng nhập').fill(ADMIN.username);
    await consolePage.getByLabel('Mật khẩu').fill('khong-dung-mat-khau');
    await consolePage.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => consolePage.locator('.flash').textContent()).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');

    await consolePage.getByLabel('Mật khẩu').fill(ADMIN.password);
    await consolePage.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect.poll(() => consolePage.getByRole('heading', { name: 'Quản trị thông báo' }).count()).toBe(1);
    expect(await consolePage.locator('.who').textContent()).toContain('Quản trị viên thành phố');
  });

  it('composes with a preview of the Zalo message and the widget card', async () => {
    await consolePage.getByLabel(/^Tiêu đề/).fill(TITLE);
    await consolePage.getByLabel(/^Nội dung/).fill('Tổ rà soát đến từng hộ từ ngày 1/12. Mang theo sổ hộ khẩu và giấy tờ thu nhập.');
    await consolePage.getByPlaceholder('Tìm xã/phường…').fill('hai duong');
    await consolePage.getByLabel('Phường Hải Dương').check();
    await expect
      .poll(() => consolePage.locator('.zalo-preview .bubble p').first().textContent(), { timeout: 10_000 })
      .toContain(`📢 Thông báo của UBND phường Hải Dương\n${TITLE}`);
    expect(await consolePage.locator('.zalo-preview .part').first().textContent()).toMatch(/^Tin 1\/1 · \d+ ký tự$/);
    expect(await consolePage.locator('.web-preview h4').textContent()).toBe(TITLE);
  });

  it('sends and watches the delivery report fill in: 2 sent on Zalo, 1 waiting for the citizen to write', async () => {
    await consolePage.getByRole('button', { name: 'Gửi thông báo' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 15_000 }).toBe('Đã phát hành');
    const cell = (state: string) => consolePage.locator(`[data-channel=zalo] tr[data-state=${state}] td`).textContent();
    await expect.poll(() => cell('sent'), { timeout: 20_000 }).toBe('2');
    expect(await cell('pending_window')).toBe('1');
    expect(await cell('failed')).toBe('0');
    expect(await consolePage.locator('[data-channel=web]').textContent()).toContain('Đã đăng lên bảng tin của 1 xã/phường');
    expect(await consolePage.locator('.flash').textContent()).toBe('Đã phát hành thông báo. Báo cáo gửi cập nhật bên dưới.');

    const announced = mock.messages.filter((m) => m.text.includes(TITLE)).map((m) => m.userId).sort();
    expect(announced).toEqual(['7000000000000000002', '7000000000000000003']);
  });

  it('the widget open on the commune’s page received it live', async () => {
    const newsTab = portalPage.getByRole('tab', { name: /Thông báo/ });
    await expect.poll(() => newsTab.textContent(), { timeout: 10_000 }).toContain('1 thông báo mới');
    await newsTab.click();
    await expect.poll(() => portalPage.locator('tro-ly-giam-ngheo #tl-news li').first().textContent()).toContain(TITLE);
  });

  it('lists it, withdraws it, and the audit log shows who did what', async () => {
    await consolePage.getByRole('link', { name: 'Đã gửi' }).click();
    await consolePage.getByRole('link', { name: TITLE }).click();
    await consolePage.getByRole('button', { name: 'Thu hồi' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent()).toBe('Đã thu hồi');
    const feed = await (await fetch(`${url}/api/announcements?commune=${COMMUNE}`)).json();
    expect(feed.announcements).toEqual([]);

    await consolePage.getByRole('link', { name: 'Nhật ký' }).click();
    await expect.poll(() => consolePage.locator('table.audit tbody tr').count()).toBeGreaterThan(3);
    const audit = await consolePage.locator('table.audit tbody').textContent();
    for (const action of ['Thu hồi thông báo', 'Phát hành thông báo', 'Tạo thông báo', 'Đăng nhập']) expect(audit).toContain(action);
  });

  it('shows the programme dashboard: the chat’s questions and the announcement’s reach, small groups as "< 5", charts drawn', async () => {
    await consolePage.getByRole('link', { name: 'Số liệu' }).click();
    const row = (table: number, name: string) => consolePage.locator('table.figures').nth(table).locator('tr', { hasText: name }).textContent();
    // The three subscriptions in the chat are questions of the topic "Đăng ký nhận thông báo": 3, so "< 5".
    await expect.poll(() => row(0, 'Đăng ký nhận thông báo'), { timeout: 15_000 }).toMatch(/< 5$/);
    // The announcement: 2 sent on Zalo, and the one that waited was skipped when it was withdrawn: groups under 5.
    expect(await row(1, 'Zalo')).toBe('Zalo< 500< 5< 5');
    expect(await consolePage.locator('.tiles').textContent()).toContain('Trợ lý trả lời< 5');
    // Five charts, drawn by Chart.js under the console's CSP (no inline styles): each canvas has a size.
    const canvases = consolePage.locator('.chart canvas');
    expect(await canvases.count()).toBe(5);
    for (const canvas of await canvases.all()) expect((await canvas.boundingBox())!.height).toBeGreaterThan(50);
    const csv = await consolePage.getByRole('link', { name: 'Tải CSV' }).getAttribute('href');
    expect(csv).toMatch(/^api\/staff\/dashboard\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
    expect(await seriousViolations(consolePage)).toEqual([]);
  });

  it('has no serious or critical accessibility violations (axe-core) and logged no errors', async () => {
    await consolePage.getByRole('link', { name: 'Soạn thông báo' }).click();
    expect(await seriousViolations(consolePage)).toEqual([]);
    // The wrong password's 401 is the only error the browser may log.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
