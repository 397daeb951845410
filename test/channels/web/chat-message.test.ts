import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Harness, sessionId, startWebChannel } from './harness.js';

/** `POST /api/chat` and the socket's message frame share one definition of a chat message: same cases, same outcome. */
let harness: Harness;
let client: Client;

beforeAll(async () => {
  harness = await startWebChannel();
  client = await Client.open(harness.socketUrl);
  await client.hello({ sessionId: sessionId('session-shared-1') });
});
afterAll(async () => {
  client.close();
  await harness.close();
});

let count = 0;
async function overSocket(message: Record<string, unknown>): Promise<{ replies?: unknown; refused: boolean }> {
  count += 1;
  client.send({ type: 'message', id: `m${count}`, ...message });
  const frame = await client.next();
  return frame.type === 'reply' ? { replies: frame.replies, refused: false } : { refused: frame.type === 'error' };
}

async function overHttp(message: Record<string, unknown>): Promise<{ replies?: unknown; refused: boolean }> {
  const response = await fetch(`${harness.base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: sessionId('session-shared-2'), ...message }),
  });
  if (response.status === 400) return { refused: true };
  expect(response.status).toBe(200);
  return { replies: ((await response.json()) as { replies: unknown }).replies, refused: false };
}

describe.each([
  ['the widget socket', overSocket],
  ['POST /api/chat', overHttp],
])('a chat message over %s', (_route, send) => {
  it('is a question in text', async () => {
    expect(await send({ text: 'ho ngheo' })).toEqual({ replies: [{ text: 'Bạn nói: ho ngheo' }], refused: false });
  });

  it('is a tapped quick reply in payload', async () => {
    expect(await send({ payload: 'control:menu' })).toMatchObject({ replies: [{ text: 'Chọn chủ đề' }], refused: false });
  });

  it('may carry both: the payload wins, the text is the title shown', async () => {
    expect(await send({ text: 'Hỏi', payload: 'control:menu' })).toMatchObject({ replies: [{ text: 'Chọn chủ đề' }], refused: false });
  });

  it('is refused with neither, with blank text, or with text over 2,000 characters', async () => {
    expect(await send({})).toEqual({ refused: true });
    expect(await send({ text: '   ' })).toEqual({ refused: true });
    expect(await send({ text: 'a'.repeat(2001) })).toEqual({ refused: true });
    expect(await send({ payload: '' })).toEqual({ refused: true });
  });
});
