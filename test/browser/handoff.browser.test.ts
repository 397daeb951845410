/**
 * A question handed to commune staff, end to end in headless Chromium: a citizen in the widget (the demo portal page)
 * asks for an officer and consents → the officer's inbox, already open, shows it live with its badge → claim → reply
 * → the citizen sees the reply in the widget; the bot says nothing while the officer holds the conversation; closing
 * hands it back to the bot. Run alone: `npx vitest run test/browser/handoff.browser.test.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { freePort } from '../support/service-process.js';

const ADMIN = { username: 'quantri', password: 'mat-khau-quan-tri-01' };
const OFFICER = { username: 'canbo-haiduong', password: 'mat-khau-can-bo-hai-duong' };
/** The demo portal page (public/index.html) is phường Hải Dương's. */
const COMMUNE = '10525';
const REPLY = 'Chào bác, bác mang giấy chứng nhận hộ nghèo lên UBND phường sáng thứ Tư nhé.';

let app: FastifyInstance;
let context: BrowserContext;
let consolePage: Page;
let portalPage: Page;
let url: string;
const tempDirs: string[] = [];
const problems: string[] = [];

const widget = (selector: string) => portalPage.locator(`tro-ly-giam-ngheo ${selector}`);
const botTexts = () => widget('.msg.bot').allTextContents();
const transcript = () => consolePage.locator('.transcript li').allTextContents();

/** Types into the widget; resolves once the server answered the message (with replies or, while owned, none). */
async function type(text: string): Promise<void> {
  await widget('#tl-input').fill(text);
  await widget('#tl-input').press('Enter');
  await expect.poll(() => widget('.msg.user .meta').count(), { timeout: 15_000 }).toBe(0);
}

async function api(method: string, path: string, cookie: string, body?: unknown) {
  const response = await fetch(`${url}/${path}`, {
    method,
    headers: { cookie, origin: url, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json().catch(() => null), headers: response.headers };
}

beforeAll(async () => {
  await promisify(execFile)('node', ['scripts/build.mjs', '--browser']);
  const clock = new ManualClock('2026-12-08T02:00:00Z'); // Tuesday 09:00 in Hải Phòng: office hours
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'handoff-browser-data-'));
  tempDirs.push(dataDir);
  app = await buildApp(
    loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: url,
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    { clock },
  );
  await app.listen({ host: '127.0.0.1', port });
  const login = await api('POST', 'api/staff/login', '', ADMIN);
  const admin = String(login.headers.get('set-cookie')).split(';')[0]!;
  const created = await api('POST', 'api/staff/accounts', admin, { ...OFFICER, role: 'officer', communes: [COMMUNE], displayName: 'Cán bộ Hải Dương' });
  expect(created.status).toBe(201);

  const profile = await mkdtemp(join(tmpdir(), 'handoff-browser-profile-'));
  tempDirs.push(profile);
  context = await launchChromium(profile, { viewport: { width: 1024, height: 900 } });
  consolePage = context.pages()[0] ?? (await context.newPage());
  portalPage = await context.newPage();
  for (const page of [consolePage, portalPage]) {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('a question handed to commune staff, in the browser', () => {
  it('the officer opens the inbox: nothing waits', async () => {
    await consolePage.goto(`${url}/console`);
    await consolePage.getByLabel('Tên đăng nhập').fill(OFFICER.username);
    await consolePage.getByLabel('Mật khẩu').fill(OFFICER.password);
    await consolePage.getByRole('button', { name: 'Đăng nhập' }).click();
    await consolePage.getByRole('link', { name: /Câu hỏi của người dân/ }).click();
    await expect.poll(() => consolePage.locator('.inbox-list').textContent(), { timeout: 15_000 }).toContain('Không có câu hỏi nào đang chờ');
    expect(await consolePage.locator('#inbox-badge').isHidden()).toBe(true);
  });

  it('a citizen in the widget asks for an officer, is told what is shared, consents and names the commune', async () => {
    await portalPage.goto(`${url}/`);
    await portalPage.getByRole('button', { name: /Trợ lý/ }).first().click();
    await type('Nhà tôi bị loại khỏi danh sách hộ nghèo mà không được báo');
    await type('gặp cán bộ');
    expect((await botTexts()).at(-1)).toMatch(/câu hỏi “Nhà tôi bị loại khỏi danh sách hộ nghèo mà không được báo”.*Bạn đồng ý chứ\?/s);
    await widget('.quick button').filter({ hasText: 'Đồng ý' }).click();
    await expect.poll(async () => (await botTexts()).at(-1), { timeout: 15_000 }).toMatch(/Bạn ở xã\/phường nào/);
    await type('phường Hải Dương');
    expect((await botTexts()).at(-1)).toMatch(/Đã chuyển cho cán bộ phường Hải Dương.*trong giờ làm việc/s);
  });

  it('the inbox shows it live, with the count badge', async () => {
    await expect.poll(() => consolePage.locator('#inbox-badge').textContent(), { timeout: 15_000 }).toBe('1');
    const item = consolePage.locator('.conversations li').first();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Nhà tôi bị loại khỏi danh sách hộ nghèo');
    await item.locator('a').click();
    // The question the citizen agreed to share ("gặp cán bộ" was the answer's button, typed).
    await expect.poll(() => transcript(), { timeout: 15_000 }).toEqual([expect.stringContaining('Nhà tôi bị loại khỏi danh sách hộ nghèo')]);
  });

  it('claim and reply: the citizen sees the reply in the widget', async () => {
    await consolePage.locator('#claim').click();
    await expect.poll(() => consolePage.locator('#conversation-status').textContent(), { timeout: 15_000 }).toContain('Đang trả lời');
    await consolePage.locator('#reply-text').fill(REPLY);
    await consolePage.locator('#send-reply').click();
    await expect.poll(async () => (await botTexts()).at(-1), { timeout: 15_000 }).toContain(`Cán bộ phường Hải Dương: ${REPLY}`);
    // The console shows the reply once the server answered its request, which may be after the widget got it.
    await expect.poll(() => transcript(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringContaining(REPLY)]));
  });

  it('the reply stays in the widget’s history across a reload', async () => {
    await portalPage.reload();
    await portalPage.getByRole('button', { name: /Trợ lý/ }).first().click();
    await expect.poll(() => botTexts(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringContaining(REPLY)]));
  });

  it('the bot says nothing while the officer holds the conversation; the officer sees the message live', async () => {
    const before = (await botTexts()).length;
    await type('vay vốn hộ nghèo được bao nhiêu');
    await expect.poll(() => transcript(), { timeout: 15_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('vay vốn hộ nghèo được bao nhiêu')]),
    );
    expect(await botTexts()).toHaveLength(before);
  });

  it('close returns the conversation to the bot, and the audit log shows claim, reply and close', async () => {
    await consolePage.locator('#close-outcome').selectOption('answered');
    await consolePage.locator('#close').click();
    await expect.poll(async () => (await botTexts()).at(-1), { timeout: 15_000 }).toMatch(/đã kết thúc cuộc trò chuyện/);
    await expect.poll(() => consolePage.locator('#inbox-badge').isHidden(), { timeout: 15_000 }).toBe(true);
    const before = (await botTexts()).length;
    await type('vay vốn hộ nghèo được bao nhiêu');
    expect((await botTexts()).length).toBeGreaterThan(before);

    const login = await api('POST', 'api/staff/login', '', ADMIN);
    const audit = await api('GET', 'api/staff/audit?limit=50', String(login.headers.get('set-cookie')).split(';')[0]!);
    const actions = (audit.body as { actor: string; action: string }[]).filter((e) => e.actor === OFFICER.username).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['handoff.claim', 'handoff.reply', 'handoff.close']));
    // The console's first look for a session (before logging in) is the only error the browser may log.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
