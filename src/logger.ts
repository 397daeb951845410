import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger, LoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Citizens' words, incomes, phones and names never reach the logs at info level: these paths are censored
 * wherever they appear in a log object. Code logs ids and counts, not content.
 */
export const REDACTED_PATHS = [
  'text',
  '*.text',
  'message.text',
  'body',
  'req.body',
  'payload',
  '*.payload',
  'income',
  'monthlyIncome',
  '*.monthlyIncome',
  'phone',
  '*.phone',
  'name',
  '*.name',
  'info',
  '*.info',
  'password',
  '*.password',
  'access_token',
  'refresh_token',
  'req.headers.cookie',
  'req.headers["access_token"]',
  'res.headers["set-cookie"]',
];

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): LoggerOptions {
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (config.NODE_ENV === 'development' && process.stdout.isTTY) {
    options.transport = { target: 'pino-pretty', options: { translateTime: 'SYS:standard', ignore: 'pid,hostname' } };
  }
  return options;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArguments = Parameters<Logger['info']>;

/**
 * The logger Fastify gives each request (bound to its request id). pino's child() runs the redaction over the
 * bindings, ~2 µs — a tenth of a bare request — so the real child is made only when the request first logs at an
 * enabled level. At `warn` most requests never do; at `info`, Fastify's own request lines make it on every request.
 */
class RequestLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  get level(): string {
    return this.#parent.level;
  }

  fatal(...args: LogArguments): void {
    this.#write('fatal', args);
  }
  error(...args: LogArguments): void {
    this.#write('error', args);
  }
  warn(...args: LogArguments): void {
    this.#write('warn', args);
  }
  info(...args: LogArguments): void {
    this.#write('info', args);
  }
  debug(...args: LogArguments): void {
    this.#write('debug', args);
  }
  trace(...args: LogArguments): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#logger().child(bindings, options);
  }

  #write(level: Level, args: LogArguments): void {
    if (this.#parent.isLevelEnabled(level)) this.#logger()[level](...args);
  }

  #logger(): Logger {
    this.#child ??= this.#parent.child(this.#bindings);
    return this.#child;
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy RequestLogger, unless the route asks for its own level or serialisers
 * (then pino's child, which is what applies them).
 */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new RequestLogger(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
