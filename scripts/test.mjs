// The project's test commands (README, .ci/run): `node scripts/test.mjs [all|unit|slow] [--only=lowdb|postgres]
// [vitest args…]`. unit: the in-process tests (vitest projects unit and unit-mocked). slow and all: first make sure the
// browser tests have Chromium and build (the process tests run dist/main.js), then run the slow project, or every
// project. Each suite runs twice: on the embedded lowdb files, then with DATABASE_URL and REDIS_URL set (the local
// PostgreSQL and Redis, or those the environment names), as several instances run; --only= runs one of the two. Each
// pass closes with one plain "N passed, N failed" line that any CI can read, and the run with a total.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PROJECTS = { all: ['unit', 'unit-mocked', 'slow'], unit: ['unit', 'unit-mocked'], slow: ['slow'] };
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** The two passes: the same tests on the default storage, then on the servers several instances share. */
const PASSES = {
  lowdb: { label: 'lowdb', env: { DATABASE_URL: '', REDIS_URL: '' } },
  postgres: { label: 'PostgreSQL + Redis', env: { DATABASE_URL, REDIS_URL } },
};

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

const args = process.argv.slice(2);
const suite = args[0] in PROJECTS ? args.shift() : 'all';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && !(only in PASSES)) {
  console.error(`--only= takes ${Object.keys(PASSES).join(' or ')}, not "${only}"`);
  process.exit(2);
}
const vitestArgs = args.filter((a) => !a.startsWith('--only='));

if (suite !== 'unit') {
  ensureChromium();
  if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
}

mkdirSync('.tmp', { recursive: true });
const projects = PROJECTS[suite].flatMap((name) => ['--project', name]);
const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
const summary = (passed, failed, skipped, failedFiles) =>
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${failedFiles ? ` (failing test files: ${failedFiles})` : ''}`;
let status = 0;
for (const [name, pass] of Object.entries(PASSES)) {
  if (only && only !== name) continue;
  console.log(`\n— ${suite} tests on ${pass.label} —\n`);
  const report = `.tmp/vitest-report-${suite}-${name}.json`;
  rmSync(report, { force: true });
  const env = { ...process.env, ...pass.env };
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const code = run('npx', ['vitest', 'run', ...projects, ...reporters, ...vitestArgs], { env });
  status ||= code;
  if (!existsSync(report)) {
    status ||= 1;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests;
  // A file whose set-up failed may have no failed test of its own: failing files are counted apart, never hidden.
  const failedFiles = result.testResults.filter((file) => file.status === 'failed').length;
  totals.files += failedFiles;
  console.log(`${pass.label}: ${summary(result.numPassedTests, result.numFailedTests, result.numPendingTests, failedFiles)}`);
}
if (!only) console.log(summary(totals.passed, totals.failed, totals.skipped, totals.files));
process.exit(status);
