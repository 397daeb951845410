/**
 * Widget weight: what a portal visitor downloads for the chat (widget.js; its CSS is inside it), built fresh and
 * compressed as served. `npx tsx bench/widget.ts` runs it alone; bench/run.ts adds it to the table.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Figures, printFigures } from './figures.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUDGET_GZIP_BYTES = 20 * 1024;

/** Compressed sizes of comparable chat widgets (../shared/reference/landscape.md §2, measured there). */
const COMPARABLE = 'Chatwoot ≈170 KB, Botpress webchat ≈180 KB + React, Typebot ≈196 KB, rasa-webchat ≈211 KB, Microsoft Web Chat ≈945 KB';

export interface WidgetSize {
  file: string;
  rawBytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/** Builds the browser bundles and returns the widget's size, raw and compressed (gzip -9, and the .br served). */
export async function widgetSize(): Promise<WidgetSize> {
  await promisify(execFile)('node', ['scripts/build.mjs', '--browser'], { cwd: root });
  const buildDir = join(root, 'public/build');
  const { widget } = JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8')) as { widget: { file: string } };
  const [code, br] = await Promise.all([readFile(join(buildDir, widget.file)), readFile(join(buildDir, `${widget.file}.br`))]);
  return { file: widget.file, rawBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, brotliBytes: br.length };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Rows for bench/run.ts. */
export async function measure(): Promise<Figures> {
  const size = await widgetSize();
  return {
    'widget.js with its CSS, gzip': {
      value: `${kb(size.gzipBytes)} (brotli ${kb(size.brotliBytes)}, raw ${kb(size.rawBytes)})`,
      budget: `≤ ${kb(BUDGET_GZIP_BYTES)} gzip`,
      met: size.gzipBytes <= BUDGET_GZIP_BYTES,
    },
    'comparable widgets, compressed': { value: COMPARABLE },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) printFigures(await measure());
