/**
 * `npm run screenshots`: a whole self-assessment typed without diacritics in the widget on the demo page, at a
 * phone's size (390×844), one PNG per answer in docs/screenshots/; then the staff console's programme dashboard on
 * example figures (docs/screenshots/dashboard.png). `-- --dashboard` takes only the latter. Needs `npm run build`
 * (the bundles) and Debian's chromium (`apt-get install -y chromium`). For the README: what a citizen and an officer
 * see, nothing pushed off-screen.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openLowdbStorage } from '../src/storage/lowdb/index.js';
import type { DeliveryRecord } from '../src/storage/records.js';
import { launchChromium } from '../test/support/chromium.js';
import { deliveryRecords, publishedAnnouncement } from '../test/support/records.js';
import { freePort } from '../test/support/service-process.js';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs/screenshots');
/** A rural household of 4 with 4 million a month, answering the questions the way villagers type. */
const STEPS = ['tu danh gia ho ngheo', 'xa', 'nha 4 ng', 'thu nhap 4tr', 'ko', 'k', 'co', 'khong', 'co', 'co', 'khong', 'ko', 'k', 'co', 'khong', 'ko'];

async function selfAssessment(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'screenshots-'));
  const profile = await mkdtemp(join(tmpdir(), 'screenshots-profile-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await buildApp(loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_BASE_URL: origin, LOG_LEVEL: 'warn' }));
  await app.listen({ port, host: '127.0.0.1' });
  const context = await launchChromium(profile, { viewport: { width: 390, height: 844 } });
  try {
    await mkdir(out, { recursive: true });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    const widget = (selector: string) => page.locator(`tro-ly-giam-ngheo ${selector}`);
    await page.getByRole('button', { name: /Trợ lý/ }).first().click();
    let shot = 0;
    for (const text of STEPS) {
      const before = await widget('.msg.bot').count();
      await widget('#tl-input').fill(text);
      await widget('#tl-input').press('Enter');
      const deadline = Date.now() + 15_000;
      while ((await widget('.msg.bot').count()) <= before && Date.now() < deadline) await page.waitForTimeout(50);
      await page.waitForTimeout(300);
      shot += 1;
      await page.screenshot({ path: join(out, `self-assessment-${String(shot).padStart(2, '0')}.png`) });
      const log = (await widget('[role=log]').textContent()) ?? '';
      if (log.includes('Kết quả tự đánh giá')) break;
    }
    console.log(`${shot} screenshots in docs/screenshots/`);
  } finally {
    await context.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

const ADMIN = { username: 'quantri', password: 'cay-tre-song-hong-2026' };
const WEEK_MS = 7 * 86_400_000;
/** Example topics and their weekly mean for the screenshot (not real figures). */
const EXAMPLE_TOPICS: [string, number][] = [
  ['credit', 38],
  ['health_insurance', 24],
  ['review_process', 17],
  ['fallback', 12],
  ['education', 11],
  ['housing', 7],
  ['employment', 5],
  ['human_handoff', 4],
  ['legal_aid', 2],
];

/** The console's dashboard for a city admin, on eight weeks of example figures fed through the statistics port. */
async function dashboard(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'screenshots-dashboard-'));
  const profile = await mkdtemp(join(tmpdir(), 'screenshots-profile-'));
  const storage = await openLowdbStorage(dataDir);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_BASE_URL: origin,
    LOG_LEVEL: 'warn',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const app = await buildApp(config, { storage });
  await app.listen({ port, host: '127.0.0.1' });
  // A fixed sequence, so the screenshot changes only when the dashboard does.
  let seed = 7;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const communes = ['10813', '11560', '10816'];
  const now = Date.now();
  for (let week = 7; week >= 0; week--) {
    const at = new Date(now - week * WEEK_MS);
    for (const [topic, mean] of EXAMPLE_TOPICS) {
      const n = Math.round(mean * (0.6 + random() * 0.8));
      for (let i = 0; i < n; i++) {
        const commune = communes[i % communes.length]!;
        await app.stats.recordQuestion({ commune, topic, outcome: topic === 'fallback' ? 'unanswered' : 'bot', at });
      }
    }
    for (let i = 0; i < 6 + Math.round(random() * 6); i++) {
      await app.stats.recordHandoff({ commune: communes[i % 3]!, topic: 'credit', at });
      await app.stats.recordStaffResponse({ commune: communes[i % 3]!, seconds: 300 + random() * random() * 30 * 3600, at });
    }
    for (const [category, mean] of [['poor', 3], ['near_poor', 6], ['average_living', 4], ['none', 9]] as const) {
      for (let i = 0; i < Math.round(mean * (0.5 + random())); i++) await app.stats.recordScreening({ commune: communes[i % 3]!, category, at });
    }
  }
  const publishedAt = new Date(now - 2 * WEEK_MS).toISOString();
  const announcement = publishedAnnouncement('c7f1b9a2-0000-4000-8000-000000000001', 'all', publishedAt);
  await storage.announcements.save(announcement);
  const reach: [DeliveryRecord['channel'], DeliveryRecord['state'], number][] = [
    ['zalo', 'sent', 212],
    ['zalo', 'pending_window', 41],
    ['zalo', 'failed', 3],
    ['zalo', 'skipped', 9],
    ['web', 'sent', 64],
  ];
  await storage.deliveries.enqueue(
    reach.flatMap(([channel, state, n]) =>
      deliveryRecords(announcement.id, channel, state, Array.from({ length: n }, (_, i) => `${state}-${i}`), publishedAt),
    ),
  );
  const context = await launchChromium(profile, { viewport: { width: 1100, height: 900 } });
  try {
    await mkdir(out, { recursive: true });
    const page = await context.newPage();
    await page.goto(`${origin}/console`);
    await page.getByLabel('Tên đăng nhập').fill(ADMIN.username);
    await page.getByLabel('Mật khẩu').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('link', { name: 'Số liệu' }).click();
    await page.locator('table.figures').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });
    console.log('docs/screenshots/dashboard.png');
  } finally {
    await context.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--dashboard')) await selfAssessment();
await dashboard();
