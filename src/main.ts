import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { ContentError } from './errors.js';
import { StorageError } from './storage/errors.js';

/** sysexits' EX_CONFIG: the configuration or the content the service was given is wrong. */
const EX_CONFIG = 78;

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
