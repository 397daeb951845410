/**
 * The build: the server (src/main.ts → dist/main.js) and the browser bundles (public/src → public/build), in
 * parallel. Browser files are named by a hash of their content so they can be cached forever, are precompressed
 * (.gz, .br) for @fastify/static, and are listed in public/build/manifest.json, which the server reads at start-up
 * to know what to serve (e.g. /widget.js → /build/widget.<hash>.js).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public/build');
const manifestPath = join(outDir, 'manifest.json');

/** Browser entries: name → source. The name is the manifest key and the prefix of the hashed file. */
const browserEntries = [
  { name: 'widget', entry: 'public/src/widget.ts' },
  { name: 'console', entry: 'public/src/console.ts' },
];

/** Old phones are the audience: syntax that Android's 2018 Chrome and iOS 14.5 Safari understand (esbuild cannot lower destructuring further). */
const browserTargets = ['es2019', 'chrome70', 'firefox68', 'safari14.1', 'ios14.5'];

/**
 * Packages the server bundle leaves to node_modules: they find their own files at run time (swagger-ui's pages,
 * pino's transport workers), which a bundle would move away from them. (@fastify/swagger reads its package.json only
 * for an OpenAPI title and version the service gives it, and does without.)
 */
const serverExternals = ['@fastify/swagger-ui', 'pino', 'thread-stream'];

/**
 * @fastify/swagger requires `yaml` (a hundred modules) when it is registered, to serve the spec as YAML should anyone
 * ask: a twelfth of start-up. In the bundle its `yaml` is a stand-in that requires the real one on first use.
 */
const yamlOnDemand = {
  name: 'yaml-on-demand',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, (args) => {
      if (args.namespace === 'yaml-on-demand') return { path: 'yaml', external: true };
      return /[\\/]node_modules[\\/]@fastify[\\/]swagger[\\/]/.test(args.importer) ? { path: 'yaml', namespace: 'yaml-on-demand' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'yaml-on-demand' }, () => ({
      contents: "let yaml; const real = () => (yaml ??= require('yaml')); module.exports = { parse: (...a) => real().parse(...a), stringify: (...a) => real().stringify(...a) };",
      loader: 'js',
    }));
  },
};

/**
 * zod's `z` object re-exports all of its ~45 message locales, so a bundle holds them all (300 KB, an eighth of the
 * bundle, compiled at every start). The service uses the English default (its Vietnamese messages are its own, see
 * src/content/friendly-error.ts), so `z.locales` is reduced to `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The server bundle's source map keeps its mappings into src/ only. Node reads and parses the whole map at every
 * start (--enable-source-maps), and dependencies' code is most of the bundle: 1.7 MB of map cost a tenth of
 * start-up. Dependency code is marked unmapped rather than left out, so its frames read dist/main.js:line:column
 * instead of borrowing the nearest src/ line.
 */
async function keepOwnMappings(mapFile) {
  const map = JSON.parse(await readFile(mapFile, 'utf8'));
  const sources = [];
  const newIndex = new Map();
  map.sources.forEach((source, i) => {
    if (source.includes('node_modules/')) return;
    newIndex.set(i, sources.length);
    sources.push(source);
  });
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    for (const segment of segments) {
      const source = segment.length > 1 ? newIndex.get(segment[1]) : undefined;
      if (source !== undefined) kept.push([segment[0], source, ...segment.slice(2)]);
      else if (kept.length === 0 || kept.at(-1).length > 1) kept.push([segment[0]]);
    }
    return kept;
  });
  await writeFile(mapFile, JSON.stringify({ ...map, sources, mappings: encode(lines) }));
}

async function buildServer() {
  const node = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };
  await Promise.all([
    // The dependencies are bundled too: start-up then reads one file instead of resolving and loading ~450 modules
    // (ready /health 853 → 676 ms, median of 6 starts on this VM). Their CommonJS code gets `require` from the banner.
    build({
      ...node,
      absWorkingDir: root,
      entryPoints: ['src/main.ts'],
      outfile: 'dist/main.js',
      // Without comments the bundle is ASCII (esbuild escapes the rest), which V8 holds as a one-byte string: 3 MB
      // instead of 7.5 MB of heap for as long as the process runs, and less to decode and parse at each start.
      // Names are kept, and the source map below still points at src/ lines.
      minifyWhitespace: true,
      // Stack traces name src/ files and lines (npm start runs node --enable-source-maps); they need no sources.
      sourcemap: true,
      sourcesContent: false,
      external: serverExternals,
      plugins: [zodEnglishOnly, yamlOnDemand],
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    }),
    build({ ...node, absWorkingDir: root, entryPoints: ['scripts/build-snapshots.ts'], outfile: 'dist/build-snapshots.js', packages: 'external' }),
  ]);
  await keepOwnMappings(join(root, 'dist/main.js.map'));
  // The knowledge base validated and indexed, the matcher trained, once here: start-up need not (see scripts/build-snapshots.ts).
  const { status } = spawnSync(process.execPath, ['dist/build-snapshots.js', 'intents', 'content', 'dist'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (status !== 0) throw new Error('building the snapshots (knowledge base, search index, matcher) failed');
}

async function buildBrowserEntry({ name, entry }) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    minify: true,
    target: browserTargets,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(code).digest('base64url').slice(0, 12);
  const file = `${name}.${hash}.js`;
  const [gz, br] = await Promise.all([
    promisify(gzip)(code, { level: 9 }),
    promisify(brotliCompress)(code, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: code.length },
    }),
  ]);
  await Promise.all([
    writeFile(join(outDir, file), code),
    writeFile(join(outDir, `${file}.gz`), gz),
    writeFile(join(outDir, `${file}.br`), br),
  ]);
  // Earlier builds of this entry are unreachable once the manifest points elsewhere.
  const stale = (await readdir(outDir)).filter((f) => f.startsWith(`${name}.`) && !f.startsWith(file));
  await Promise.all(stale.map((f) => rm(join(outDir, f))));
  return [name, { file, bytes: code.length, gzipBytes: gz.length, brotliBytes: br.length }];
}

async function readManifest() {
  try {
    return JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch {
    return {};
  }
}

async function buildBrowser() {
  await mkdir(outDir, { recursive: true });
  const built = await Promise.all(browserEntries.map(buildBrowserEntry));
  const manifest = { ...(await readManifest()), ...Object.fromEntries(built) };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

// `node scripts/build.mjs` builds everything; `--browser` only the browser bundles (browser tests, the widget bench).
const browserOnly = process.argv.includes('--browser');
const started = performance.now();
const [manifest] = await Promise.all([buildBrowser(), browserOnly ? null : buildServer()]);
const sizes = browserEntries.map(({ name }) => `${name} ${(manifest[name].gzipBytes / 1024).toFixed(1)} KB gzip`);
console.log(`built ${browserOnly ? '' : 'dist/main.js, '}${sizes.join(', ')} in ${Math.round(performance.now() - started)} ms`);
