import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loggerOptions, requestLoggerFactory } from '../../src/logger.js';

/** A Fastify app with the service's logger settings whose log lines are collected as parsed JSON. */
async function appLoggingAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({
    logger: { ...loggerOptions({ LOG_LEVEL: level as 'warn', NODE_ENV: 'test' }), stream },
    childLoggerFactory: requestLoggerFactory,
  });
  app.get('/talk', async (request) => {
    request.log.info({ step: 'info' }, 'info line');
    request.log.warn({ text: 'nha toi ngheo', income: 3_000_000 }, 'warn line');
    request.log.child({ part: 'inner' }).error('inner line');
    return { ok: true };
  });
  await app.ready();
  return { app, lines };
}

describe('per-request logger', () => {
  it('carries the request id, honours the level and redacts citizens’ words, like pino’s own child', async () => {
    const { app, lines } = await appLoggingAt('warn');
    const res = await app.inject({ url: '/talk', headers: { 'x-request-id': 'abc-1' } });
    expect(res.statusCode).toBe(200);
    expect(lines.map((l) => l.msg)).toEqual(['warn line', 'inner line']);
    expect(lines.every((l) => l.reqId !== undefined)).toBe(true);
    expect(lines[0]).toMatchObject({ text: '[redacted]', income: '[redacted]' });
    expect(lines[1]).toMatchObject({ part: 'inner' });
    expect(JSON.stringify(lines)).not.toContain('nha toi ngheo');
    await app.close();
  });

  it('writes info lines when the level allows them', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ url: '/talk' });
    // Fastify's own request lines go through the same per-request logger.
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'info line', 'warn line', 'inner line', 'request completed']);
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(1);
    await app.close();
  });
});
