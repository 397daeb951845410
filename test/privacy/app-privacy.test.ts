import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Storage } from '../../src/storage/repositories.js';
import { openTestStorage, testServiceEnv } from '../support/storage.js';
import { filesContaining } from './harness.js';

async function start(env: Record<string, string>, storage?: (dir: string) => Promise<Storage>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'app-privacy-'));
  const clock = new ManualClock('2026-11-28T03:00:00Z');
  const store = storage ? await storage(dataDir) : await openTestStorage(dataDir);
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', ...env }), {
    clock,
    storage: store,
  });
  await app.ready();
  return { app, dataDir, storage: store, clock };
}

const chat = (app: FastifyInstance, body: Record<string, unknown>, remoteAddress = '10.0.0.1', headers = {}) =>
  app.inject({ method: 'POST', url: '/api/chat', payload: body, remoteAddress, headers });

describe('privacy through the whole app', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start({ RATE_LIMIT_PER_MINUTE: '0', RETENTION_SESSION_DAYS: '45', PUBLIC_BASE_URL: 'https://chatbot.haiphong.gov.vn' });
  });
  afterAll(() => s.app.close());

  it('serves /privacy in Vietnamese with the configured periods and a strict CSP', async () => {
    const page = await s.app.inject({ url: '/privacy' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    expect(page.body).toContain('<html lang="vi">');
    expect(page.body).toContain('45 ngày');
    expect(page.body).toContain('1 năm');
    expect(page.body).toContain('2 năm');
    expect(page.body).toContain('91/2025/QH15');
    // A handled Zalo message's words stay in the journal's change log until the hourly clean-up compacts it.
    expect(page.body).toContain('tối đa 60 phút');
    expect(page.body).not.toMatch(/<script/i);
  });

  it('shows the notice first, then deletes everything on request, found by the real matcher', async () => {
    const first = (await chat(s.app, { text: 'cho hỏi hộ nghèo được vay vốn không' })).json();
    const sessionId: string = first.sessionId;
    expect(first.replies[0].text).toMatch(/^Về dữ liệu của bạn/);
    expect(first.replies[0].links).toEqual([{ title: 'Chính sách bảo vệ dữ liệu cá nhân', url: 'https://chatbot.haiphong.gov.vn/privacy' }]);
    expect((await chat(s.app, { sessionId, text: 'cho hỏi hộ nghèo được vay vốn không' })).json().replies[0].text).not.toMatch(
      /^Về dữ liệu của bạn/,
    );

    const view = (await chat(s.app, { sessionId, text: 'xem du lieu cua toi' })).json();
    expect(view.replies[0].text).toContain(`Mã người dùng trên trang web: ${sessionId}`);

    const ask = (await chat(s.app, { sessionId, text: 'xoa du lieu cua toi' })).json();
    expect(ask.replies[0].quickReplies.map((q: { title: string }) => q.title)).toEqual(['Xóa hết', 'Không']);
    const done = (await chat(s.app, { sessionId, payload: ask.replies[0].quickReplies[0].payload })).json();
    expect(done.replies[0].text).toMatch(/^Đã xóa toàn bộ dữ liệu của bạn/);
    expect(await filesContaining(s.dataDir, s.storage, sessionId)).toEqual([]);
  });

  it('reads nothing for a session id the client chose: "xem dữ liệu của tôi" needs the live session', async () => {
    const owner = (await chat(s.app, { text: 'cho hỏi hộ nghèo được vay vốn không' })).json();
    for (const chosen of ['00000000', owner.sessionId.slice(0, 22) + 'A'.repeat(22)]) {
      const view = (await chat(s.app, { sessionId: chosen, text: 'xem du lieu cua toi' })).json();
      expect(view.sessionId).not.toBe(chosen);
      const texts = view.replies.map((r: { text: string }) => r.text).join('\n');
      expect(texts).not.toContain(owner.sessionId);
      expect(texts).not.toContain(chosen);
      const back = (await chat(s.app, { sessionId: chosen, text: 'quay lại' })).json();
      // A new conversation of its own, not the owner's to resume.
      expect([chosen, owner.sessionId]).not.toContain(back.sessionId);
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with a Vietnamese message past RATE_LIMIT_PER_MINUTE per address; /health is never limited', async () => {
    const { app } = await start({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await chat(app, { text: 'xin chào' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await chat(app, { text: 'xin chào' });
      expect(limited.json()).toEqual({ error: 'rate_limited', message: 'Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.' });
      // Another address has its own budget; the static pages, the privacy page and the widget's other routes count too.
      expect((await chat(app, { text: 'xin chào' }, '10.0.0.2')).statusCode).toBe(200);
      expect((await app.inject({ url: '/privacy', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
      expect((await app.inject({ url: '/api/communes', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
      expect((await app.inject({ url: '/api/announcements?commune=10525', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
      for (let i = 0; i < 10; i++) expect((await app.inject({ url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
      // Without TRUST_PROXY a forged X-Forwarded-For does not buy a new budget.
      expect((await chat(app, { text: 'xin chào' }, '10.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('counts the client address given by the proxy only when TRUST_PROXY is set', async () => {
    const { app } = await start({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'true' });
    try {
      const via = (client: string) => chat(app, { text: 'xin chào' }, '127.0.0.1', { 'x-forwarded-for': client });
      expect([(await via('203.0.113.1')).statusCode, (await via('203.0.113.1')).statusCode, (await via('203.0.113.1')).statusCode]).toEqual([
        200, 200, 429,
      ]);
      expect((await via('203.0.113.2')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is off with RATE_LIMIT_PER_MINUTE=0', async () => {
    const { app } = await start({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < 150; i++) expect((await app.inject({ url: '/privacy' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('internal errors', () => {
  it('never show a stack trace or an internal path', async () => {
    const failing = async (dir: string) => {
      const storage = await openTestStorage(dir);
      storage.citizens.save = async () => {
        throw new Error(`EACCES: permission denied, open '${join(dir, 'citizens.json')}'`);
      };
      return storage;
    };
    const { app, dataDir } = await start({ RATE_LIMIT_PER_MINUTE: '0' }, failing);
    try {
      const response = await chat(app, { text: 'xin chào' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: 'internal_error', message: 'Hệ thống đang gặp sự cố. Vui lòng thử lại sau.' });
      expect(response.body).not.toContain(dataDir);
      expect(response.body).not.toMatch(/EACCES|\bat .*:\d+:\d+|\.ts\b|node_modules|\/src\//);
    } finally {
      await app.close();
    }
  });
});
