import { afterEach, describe, expect, it } from 'vitest';
import { type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

describe('/docs', () => {
  it('is served with the security headers of the other pages, CSP included', async () => {
    bed = await startConsoleApp();
    for (const url of ['/docs', '/docs/', '/docs/json', '/docs/static/index.html']) {
      const response = await bed.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeLessThan(400);
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self';");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('is off in production unless DOCS=true', async () => {
    bed = await startConsoleApp({ env: { NODE_ENV: 'production' } });
    expect((await bed.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(404);
    await bed.close();
    bed = await startConsoleApp({ env: { NODE_ENV: 'production', DOCS: 'true' } });
    expect((await bed.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });
});
