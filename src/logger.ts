import type { LoggerOptions } from 'pino';
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
