import { afterEach, describe, expect, it } from 'vitest';
import { citizenKey } from '../../../src/citizens/identity.js';
import { Client, type Harness, sessionId, startWebChannel } from './harness.js';

const SESSION = sessionId('session-0001');
let harness: Harness;
const clients: Client[] = [];

async function open(origin?: string): Promise<Client> {
  const client = await Client.open(harness.socketUrl, origin);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await harness?.close();
});

describe('widget socket /ws/chat', () => {
  it('greets with the session id it was given, or a new one', async () => {
    harness = await startWebChannel();
    const a = await open();
    expect(await a.hello({ sessionId: SESSION })).toEqual({ type: 'welcome', v: 1, sessionId: SESSION });
    const b = await open();
    const welcome = await b.hello();
    expect(welcome).toMatchObject({ type: 'welcome', v: 1 });
    expect(welcome.type === 'welcome' && welcome.sessionId).toMatch(/^[A-Za-z0-9_-]{44}$/);
  });

  it('starts a new conversation for an id it did not issue, on the socket and over HTTP', async () => {
    harness = await startWebChannel();
    const client = await open();
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'm1', text: 'bi mat' });
    await client.next();
    const forged = SESSION.slice(0, 22) + 'A'.repeat(22);
    for (const chosen of ['00000000', forged]) {
      const stranger = await open();
      const welcome = await stranger.hello({ sessionId: chosen });
      expect(welcome.type === 'welcome' && welcome.sessionId).not.toBe(chosen);
      const http = await fetch(`${harness.base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: chosen, text: 'xin chao' }),
      });
      expect((await http.json()).sessionId).not.toBe(chosen);
      expect(harness.engine.sessions.peek(citizenKey('web', chosen))).toBeUndefined();
    }
    // Clearing an id the server did not issue touches nothing.
    expect((await fetch(`${harness.base}/api/chat/sessions/00000000`, { method: 'DELETE' })).status).toBe(204);
    expect(harness.cleared).toEqual([]);
    expect(harness.engine.sessions.peek(citizenKey('web', SESSION))).toBeDefined();
  });

  it('keeps no session for a hello alone: state starts with the first real message', async () => {
    harness = await startWebChannel();
    const client = await open();
    await client.hello({ sessionId: SESSION });
    await client.hello({ sessionId: sessionId('session-0002') });
    expect(harness.engine.sessions.peek(citizenKey('web', SESSION))).toBeUndefined();
    expect(harness.engine.sessions.peek(citizenKey('web', sessionId('session-0002')))).toBeUndefined();
    expect(harness.turns).toEqual([]);
  });

  it('answers a message through the conversation engine, keyed by the widget session', async () => {
    harness = await startWebChannel();
    const client = await open();
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'm1', text: 'ho ngheo' });
    expect(await client.next()).toEqual({ type: 'reply', id: 'm1', replies: [{ text: 'Bạn nói: ho ngheo' }] });
    client.send({ type: 'message', id: 'm2', payload: 'control:menu' });
    expect(await client.next()).toMatchObject({ type: 'reply', id: 'm2', replies: [{ text: 'Chọn chủ đề' }] });
    expect(harness.engine.sessions.peek(citizenKey('web', SESSION))).toBeDefined();
  });

  it('answers malformed and unknown frames with an error frame and keeps the connection', async () => {
    harness = await startWebChannel();
    const client = await open();
    client.send('{not json');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed' });
    client.send({ type: 'dance' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed', message: expect.stringContaining('dance') });
    client.send('null');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed' });
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed' });
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'm1' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed', id: 'm1' });
    client.send({ type: 'message', id: 'bad id!', text: 'a' });
    const badId = await client.next();
    expect(badId).toMatchObject({ type: 'error', code: 'malformed', message: expect.stringContaining('"id"') });
    expect(badId).not.toHaveProperty('id');
    client.send({ type: 'message', id: 'm2', text: '   ' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed', id: 'm2' });
    client.send({ type: 'message', id: 'm3', text: 'vẫn nói chuyện được' });
    expect(await client.next()).toMatchObject({ type: 'reply', id: 'm3' });
    expect(harness.turns).toEqual(['vẫn nói chuyện được']);
  });

  it('asks for hello before messages', async () => {
    harness = await startWebChannel();
    const client = await open();
    client.send({ type: 'message', id: 'm1', text: 'xin chao' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'hello_required', id: 'm1' });
    client.send({ type: 'clear' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'hello_required' });
    expect(harness.turns).toEqual([]);
  });

  it('refuses text over 2,000 characters, and raw frames far beyond it, without running the engine', async () => {
    harness = await startWebChannel();
    const client = await open();
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'long', text: 'ă'.repeat(2001) });
    const refused = await client.next();
    expect(refused).toMatchObject({ type: 'error', code: 'too_long', id: 'long' });
    expect(refused.type === 'error' && refused.message).toContain('2.000 ký tự');
    client.send({ type: 'message', id: 'huge', text: 'a'.repeat(10_000) });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'too_long' });
    client.send({ type: 'message', id: 'max', text: 'ă'.repeat(2000) });
    expect(await client.next()).toMatchObject({ type: 'reply', id: 'max' });
    expect(harness.turns).toHaveLength(1);
  });

  it('closes a connection that speaks another protocol version', async () => {
    harness = await startWebChannel();
    const client = await open();
    client.send('{"type":"hello","v":1e308}');
    expect(await client.next()).toMatchObject({ type: 'error', code: 'malformed' });
    client.send({ type: 'hello', v: 2 });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'unsupported_version' });
    expect(await client.closed).toEqual({ code: 4001 });
  });
});

describe('origin check on upgrade', () => {
  it('lets allowed origins, the service itself and the same host in; refuses other sites', async () => {
    harness = await startWebChannel({ allowedOrigins: ['https://portal.example.gov.vn'] });
    await expect(open('https://portal.example.gov.vn')).resolves.toBeInstanceOf(Client);
    await expect(open('https://chatbot.example.gov.vn')).resolves.toBeInstanceOf(Client);
    await expect(open(harness.base)).resolves.toBeInstanceOf(Client);
    await expect(open()).resolves.toBeInstanceOf(Client);
    await expect(open('https://evil.example.com')).rejects.toThrow('HTTP 403');
    await expect(open('https://portal.example.gov.vn.evil.com')).rejects.toThrow('HTTP 403');
    await expect(open('null')).rejects.toThrow('HTTP 403');
  });
});

describe('per-address limits', () => {
  it('refuses frames over RATE_LIMIT_PER_MINUTE for the address, on any of its sockets, and accepts them again in the next minute', async () => {
    harness = await startWebChannel({ rateLimitPerMinute: 4 });
    const client = await open();
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'm1', text: 'mot' });
    expect(await client.next()).toMatchObject({ type: 'reply', id: 'm1' });

    // A second socket from the same address draws on the same budget (hello + one message = 4 frames in all).
    const other = await open();
    await other.hello({ sessionId: sessionId('session-0002') });
    other.send({ type: 'message', id: 'o1', text: 'khac' });
    expect(await other.next()).toMatchObject({ type: 'reply', id: 'o1' });
    client.send({ type: 'message', id: 'm2', text: 'hai' });
    const limited = await client.next();
    expect(limited).toMatchObject({ type: 'error', code: 'rate_limited', id: 'm2' });
    expect(limited.type === 'error' && limited.message).toMatch(/quá nhanh/);
    // POST /api/chat from the address is over the budget too.
    const http = await fetch(`${harness.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"ba"}' });
    expect(http.status).toBe(429);
    expect(await http.json()).toMatchObject({ error: 'rate_limited' });

    harness.clock.advance(60_000);
    client.send({ type: 'message', id: 'm2', text: 'hai' });
    expect(await client.next()).toMatchObject({ type: 'reply', id: 'm2' });
    expect(harness.turns).toEqual(['mot', 'khac', 'hai']);
  });

  it('gives 100 sockets from one address together no more than the address’s budget', async () => {
    harness = await startWebChannel({ rateLimitPerMinute: 30 });
    const sockets = await Promise.all(Array.from({ length: 100 }, () => open()));
    for (const [i, socket] of sockets.entries()) socket.send({ type: 'message', id: `m${i}`, text: `tin ${i}` });
    const answers = await Promise.all(sockets.map((socket) => socket.next()));
    // Without hello a frame is refused as such, but only while the budget lasts: the rest are rate_limited.
    expect(answers.filter((a) => a.type === 'error' && a.code === 'hello_required')).toHaveLength(30);
    expect(answers.filter((a) => a.type === 'error' && a.code === 'rate_limited')).toHaveLength(70);
    harness.clock.advance(60_000);
    await Promise.all(sockets.map((socket) => socket.hello()));
    for (const [i, socket] of sockets.entries()) socket.send({ type: 'message', id: `n${i}`, text: `tin ${i}` });
    const replies = await Promise.all(sockets.map((socket) => socket.next()));
    expect(replies.filter((r) => r.type === 'reply')).toHaveLength(0);
    expect(harness.turns.length).toBeLessThanOrEqual(30);
  });

  it('caps the sockets open at once per address (WIDGET_SOCKETS_PER_ADDRESS) and frees a place when one closes', async () => {
    harness = await startWebChannel({ socketsPerAddress: 3 });
    const first = await open();
    await open();
    await open();
    await expect(open()).rejects.toThrow('HTTP 429');
    first.close();
    await first.closed;
    await expect.poll(async () => open().then(() => true, () => false)).toBe(true);
  });

  it('is off when RATE_LIMIT_PER_MINUTE is 0', async () => {
    harness = await startWebChannel({ rateLimitPerMinute: 0 });
    const client = await open();
    await client.hello({ sessionId: SESSION });
    for (let i = 0; i < 50; i++) client.send({ type: 'nonsense' });
    for (let i = 0; i < 50; i++) expect(await client.next()).toMatchObject({ code: 'malformed' });
  });
});

describe('offline queue: a message resent with the same id runs once', () => {
  it('answers a repeated id with the first replies, across reconnects and while the first turn runs', async () => {
    harness = await startWebChannel();
    const first = await open();
    await first.hello({ sessionId: SESSION });
    // Sent twice at once (a reconnect racing the first send): one turn, two identical replies.
    first.send({ type: 'message', id: 'q1', text: 'hoc phi' });
    first.send({ type: 'message', id: 'q1', text: 'hoc phi' });
    const a = await first.next();
    const b = await first.next();
    expect(a).toEqual({ type: 'reply', id: 'q1', replies: [{ text: 'Bạn nói: hoc phi' }] });
    expect(b).toEqual(a);
    first.close();

    const again = await open();
    await again.hello({ sessionId: SESSION });
    again.send({ type: 'message', id: 'q1', text: 'hoc phi' });
    expect(await again.next()).toEqual(a);
    again.send({ type: 'message', id: 'q2', text: 'hoc phi' });
    expect(await again.next()).toMatchObject({ type: 'reply', id: 'q2' });
    expect(harness.turns).toEqual(['hoc phi', 'hoc phi']);

    // Ids are per session: another session's q1 is a new message.
    const stranger = await open();
    await stranger.hello({ sessionId: sessionId('session-0002') });
    stranger.send({ type: 'message', id: 'q1', text: 'hoc phi' });
    expect(await stranger.next()).toMatchObject({ type: 'reply', id: 'q1' });
    expect(harness.turns).toHaveLength(3);
  });
});

describe('clearing a conversation', () => {
  it('deletes the server session over the socket, and forgets the message ids', async () => {
    harness = await startWebChannel();
    const client = await open();
    await client.hello({ sessionId: SESSION });
    client.send({ type: 'message', id: 'm1', text: 'xin chao' });
    await client.next();
    const key = citizenKey('web', SESSION);
    expect(harness.engine.sessions.peek(key)).toBeDefined();
    client.send({ type: 'clear' });
    expect(await client.next()).toEqual({ type: 'cleared' });
    expect(harness.engine.sessions.peek(key)).toBeUndefined();
    expect(harness.cleared).toEqual([SESSION]);
    client.send({ type: 'message', id: 'm1', text: 'xin chao' });
    await client.next();
    expect(harness.turns).toHaveLength(2);
  });

  it('deletes it over HTTP too (the widget on its fallback), validating the id', async () => {
    harness = await startWebChannel();
    const chat = await fetch(`${harness.base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: SESSION, text: 'xin chao' }),
    });
    expect(chat.status).toBe(200);
    const key = citizenKey('web', SESSION);
    expect(harness.engine.sessions.peek(key)).toBeDefined();
    const res = await fetch(`${harness.base}/api/chat/sessions/${SESSION}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(harness.engine.sessions.peek(key)).toBeUndefined();
    const bad = await fetch(`${harness.base}/api/chat/sessions/x`, { method: 'DELETE' });
    expect(bad.status).toBe(400);
  });
});

describe('live announcements', () => {
  const announcement = { id: 'a1', title: 'Lịch rà soát hộ nghèo', body: 'Từ 1/9 đến 14/12.', publishedAt: '2026-11-28T03:00:00.000Z' };

  it('reaches the open widgets of the commune (and every widget for "all"), not the others', async () => {
    harness = await startWebChannel();
    const a = await open();
    await a.hello({ sessionId: sessionId('session-000a'), commune: '10525' });
    const b = await open();
    await b.hello({ sessionId: sessionId('session-000b'), commune: '11560' });
    const none = await open();
    await none.hello({ sessionId: sessionId('session-000c') });

    expect(harness.webPush.broadcastToCommune('10525', announcement)).toBe(1);
    expect(await a.next()).toEqual({ type: 'announcement', announcement });
    expect(harness.webPush.broadcastToCommune('all', { ...announcement, id: 'a2' })).toBe(3);
    for (const c of [a, b, none]) expect(await c.next()).toMatchObject({ type: 'announcement', announcement: { id: 'a2' } });
    expect(b.frames).toEqual([]);

    // A new hello moves the widget to its new commune; a closed widget leaves the hub.
    await b.hello({ sessionId: sessionId('session-000b'), commune: '10525' });
    expect(harness.webPush.broadcastToCommune('10525', { ...announcement, id: 'a3' })).toBe(2);
    a.close();
    await a.closed;
    await expect.poll(() => harness.webPush.size).toBe(2);
    expect(harness.webPush.broadcastToCommune('11560', announcement)).toBe(0);
  });
});

describe('CORS for the portal origins', () => {
  it('allows ALLOWED_ORIGINS to call the chat API from the browser, and nobody else', async () => {
    harness = await startWebChannel({ allowedOrigins: ['https://portal.example.gov.vn'] });
    const preflight = (origin: string) =>
      fetch(`${harness.base}/api/chat`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://portal.example.gov.vn');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example.gov.vn');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
