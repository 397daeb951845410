// The project's test commands (README, .ci/run): `node scripts/test.mjs [all|unit|slow] [vitest args…]`.
// unit: the in-process tests (vitest projects unit and unit-mocked). slow and all: first make sure the browser tests
// have Chromium and build (the process tests run dist/main.js), then run the slow project, or every project. Each
// closes with one plain "N passed, N failed" line that any CI can read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROJECTS = { all: ['unit', 'unit-mocked', 'slow'], unit: ['unit', 'unit-mocked'], slow: ['slow'] };

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`Installing Debian's chromium for the browser tests (${CHROMIUM} is missing)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) !== 0) {
      console.error('Could not install chromium: the browser tests will fail. Install it with: apt-get install -y chromium');
    }
  } else {
    console.error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
}

const [first, ...rest] = process.argv.slice(2);
const suite = first in PROJECTS ? first : 'all';
const vitestArgs = first in PROJECTS ? rest : process.argv.slice(2);

if (suite !== 'unit') {
  ensureChromium();
  if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
}

mkdirSync('.tmp', { recursive: true });
const report = `.tmp/vitest-report-${suite}.json`;
rmSync(report, { force: true });
const projects = PROJECTS[suite].flatMap((name) => ['--project', name]);
const status = run('npx', ['vitest', 'run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs]);
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ''}`);
}
process.exit(status);
