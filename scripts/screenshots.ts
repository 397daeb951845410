/**
 * `npm run screenshots`: a whole self-assessment typed without diacritics in the widget on the demo page, at a
 * phone's size (390×844), one PNG per answer in docs/screenshots/. Needs `npm run build` (the widget bundle) and
 * Debian's chromium (`apt-get install -y chromium`). For the README: what a citizen sees, nothing pushed off-screen.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { launchChromium } from '../test/support/chromium.js';
import { freePort } from '../test/support/service-process.js';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs/screenshots');
/** A rural household of 4 with 4 million a month, answering the questions the way villagers type. */
const STEPS = ['tu danh gia ho ngheo', 'xa', 'nha 4 ng', 'thu nhap 4tr', 'ko', 'k', 'co', 'ko co', 'co', 'co', 'khong', 'ko', 'k', 'co', 'khong', 'ko'];

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
