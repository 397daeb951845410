import { defineConfig } from 'vitest/config';

/**
 * `slow`: the tests that start the built service as a process or drive a browser (`npm run test:slow`, which builds
 * first). `unit`: everything that runs inside the test process (`npm run test:unit`), in one module graph per worker
 * (isolate: false) so that the ~450 modules of the app are loaded once per worker, not once per file; the files that
 * replace modules with vi.mock run apart, isolated, as `unit-mocked`. `npm test` runs all three.
 */
const slow = [
  'test/crash/**/*.test.ts',
  'test/process/**/*.test.ts',
  'test/**/*.browser.test.ts',
  // Spawns src/main.ts and kills it mid-reply.
  'test/channels/zalo/restart.test.ts',
];
const mocked = ['test/storage/change-log.test.ts'];

export default defineConfig({
  test: {
    // A PostgreSQL schema prefix per run, whose schemas are dropped at its end (test/support/postgres.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // Each file's forgotten PostgreSQL pools closed at its end.
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The machine has two cores; browser and process tests start servers of their own.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...slow, ...mocked], isolate: false } },
      { extends: true, test: { name: 'unit-mocked', include: mocked } },
      { extends: true, test: { name: 'slow', include: slow } },
    ],
  },
});
