import { startZaloService } from './zalo-service.js';

/**
 * The Zalo channel as its own process (for the crash tests): configuration from the environment, data in DATA_DIR,
 * prints "listening <url>" when ready and stops cleanly on SIGTERM.
 */
const service = await startZaloService({
  dataDir: process.env.DATA_DIR ?? '',
  env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
});
process.stdout.write(`listening ${service.url}\n`);
process.on('SIGTERM', () => {
  void service.close().then(() => process.exit(0));
});
