import { setFlagsFromString } from 'node:v8';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ContentError } from './errors.js';
import { StorageError } from './storage/errors.js';

/** sysexits' EX_CONFIG: the configuration or the content the service was given is wrong. */
const EX_CONFIG = 78;

/**
 * V8 lets the old generation grow to several times what survived the last full collection before it collects again.
 * An announcement's fan-out makes garbage that outlives the young generation, so the heap grew far past what was live;
 * a small growing factor keeps a fan-out's peak near what is live, for more full collections (figures:
 * docs/performance.md, runs 19, 23, 27 and 29). On lowdb, whose fan-out holds every citizen and delivery in memory, 10 %;
 * on PostgreSQL, whose fan-out peaks far lower, 50 %: half the full collections of a chat turn there. Read at every
 * collection, so setting it here is as good as on the command line, whatever starts `dist/main.js`.
 */
const heapGrowingPercent = (databaseUrl: string | undefined) => (databaseUrl ? 50 : 10);

/** Process entry: configuration, listen, and a graceful stop on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EX_CONFIG);
    }
    throw error;
  }
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent(config.DATABASE_URL)}`);

  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(config);
  } catch (error) {
    // One line naming the file, the place in it and the problem; no stack trace.
    if (error instanceof ContentError) {
      process.stderr.write(`${error.line}\n`);
      process.exit(EX_CONFIG);
    }
    if (error instanceof StorageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: finishing in-flight work and flushing storage');
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
}

void main();
