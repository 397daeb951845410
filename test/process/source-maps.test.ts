import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inheritedEnv } from '../support/service-process.js';

describe('the built service started as `npm start` starts it', () => {
  it('names src/ files and lines in the stack of an unexpected error', async () => {
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
    const [command, ...args] = scripts.start.split(' ');
    expect(command).toBe('node');
    // A file where the data folder should be: opening storage fails with an error start-up does not expect.
    const notADirectory = join(await mkdtemp(join(tmpdir(), 'source-maps-')), 'data');
    await writeFile(notADirectory, '');
    const result = spawnSync(process.execPath, args, {
      // The embedded storage whatever the run's DATABASE_URL: the unexpected error is its failing to open.
      env: { ...inheritedEnv(), NODE_ENV: 'production', LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: notADirectory },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\bsrc\/storage\/[\w/-]+\.ts:\d+:\d+/);
    expect(result.stderr).toMatch(/\bsrc\/main\.ts:\d+:\d+/);
  });

  it('maps src/ code to its lines and leaves dependencies unmapped, never attributed to a src/ line', async () => {
    const map = new SourceMap(JSON.parse(await readFile('dist/main.js.map', 'utf8')));
    const lines = (await readFile('dist/main.js', 'utf8')).split('\n');
    const entryAt = (code: string) => {
      const line = lines.findIndex((l) => l.includes(code));
      return map.findEntry(line, lines[line]!.indexOf(code) + code.length) as { originalSource?: string };
    };
    expect(entryAt('function loadCommunes(').originalSource).toMatch(/src\/content\/communes\.ts$/);
    expect(entryAt('function fastify(').originalSource).toBeUndefined();
  });
});
