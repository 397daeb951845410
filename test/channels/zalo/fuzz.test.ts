import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedTimestampOf } from '../../../src/channels/zalo/signature.js';
import { signZaloEvent } from '../../support/mock-zalo/sign.js';
import { startZaloTestBed, type ZaloTestBed, zaloTexts } from './support/setup.js';

let bed: ZaloTestBed;
const FUZZ_USERS = ['5000000000000000002', '5000000000000000003', '5000000000000000004'];
beforeAll(async () => {
  bed = await startZaloTestBed();
  for (const userId of FUZZ_USERS) bed.mock.setUser(userId, { lastInteractionAt: bed.clock.now().getTime() });
});
afterAll(async () => {
  await bed.close();
});

/** Bodies a hostile or broken sender might POST: noise, wrong JSON, and real event shapes with fields gone wrong. */
function bodies(): fc.Arbitrary<string> {
  const { mock } = bed;
  const id = fc.oneof(fc.string(), fc.integer(), fc.bigInt().map(String), fc.constant(null), fc.constant('2000000000000000001'));
  const eventName = fc.oneof(
    fc.constantFrom('user_send_text', 'user_send_image', 'follow', 'unfollow', 'user_submit_info', 'oa_send_text', 'user_seen_message'),
    fc.string({ maxLength: 80 }),
  );
  const timestamp = fc.oneof(fc.constant(String(bed.clock.now().getTime())), fc.string(), fc.integer(), fc.constant(undefined));
  const shapedEvent = fc
    .record(
      {
        app_id: fc.oneof(fc.constant(mock.appId), fc.string()),
        sender: fc.oneof(fc.record({ id }), fc.jsonValue()),
        follower: fc.record({ id }),
        event_name: eventName,
        message: fc.oneof(fc.record({ text: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.jsonValue()), msg_id: id }), fc.jsonValue()),
        info: fc.oneof(fc.record({ full_address: fc.record({ user_ward: fc.oneof(fc.string(), fc.integer()) }) }), fc.jsonValue()),
        timestamp,
      },
      { requiredKeys: [] },
    )
    .map((event) => JSON.stringify(event));
  // Well-formed messages with random text from known users: they travel the whole way to a reply.
  const validText = fc
    .tuple(fc.constantFrom(...FUZZ_USERS), fc.string({ unit: 'grapheme', maxLength: 2500 }))
    .map(([userId, text]) => JSON.stringify(mock.textEvent(userId, text)));
  return fc.oneof(
    validText,
    shapedEvent,
    fc.json(),
    fc.string({ unit: 'binary', maxLength: 2000 }),
    fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fc.constantFrom('', '{', 'null', '[]', '{}', '{"timestamp":{}}', '"x"', 'x'.repeat(70 * 1024)),
  );
}

const contentTypes = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream');

describe('POST /webhooks/zalo under random input', () => {
  it('answers 1,000 malformed or random bodies, signed and unsigned, without a 5xx or a crash', async () => {
    const cases = fc.sample(fc.record({ body: bodies(), signed: fc.boolean(), contentType: contentTypes }), {
      numRuns: 1000,
      seed: 20261128,
    });
    const statuses = new Map<number, number>();
    for (let i = 0; i < cases.length; i += 25) {
      await Promise.all(
        cases.slice(i, i + 25).map(async ({ body, signed, contentType }) => {
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(body);
          } catch {}
          const headers: Record<string, string> = { 'content-type': contentType };
          if (signed) headers['x-zevent-signature'] = signZaloEvent(bed.mock.appId, body, signedTimestampOf(parsed), bed.mock.oaSecretKey);
          const response = await bed.mock.post(body, headers);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(JSON.parse(response.body)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
          // Refused: 401, or 429 once the address has used up its refusals for the minute.
          if (!signed && body !== '{}' && response.status !== 413) expect([401, 429]).toContain(response.status);
          if (signed && body.length < 64 * 1024) expect(response.status).toBe(200);
        }),
      );
    }
    expect([...statuses.keys()].filter((status) => status !== 429).sort()).toEqual([200, 401, 413]);

    await bed.settle();
    const answered = FUZZ_USERS.flatMap((u) => bed.mock.messagesTo(u));
    expect(answered.length).toBeGreaterThan(0);
    for (const message of answered) expect(message.text.length).toBeLessThanOrEqual(2000);
    // Still serving: a genuine message gets exactly one answer.
    await bed.mock.userSendsText('5000000000000000001', 'xin chào');
    await bed.settle();
    const { replies } = await bed.webChat({ text: 'xin chào' });
    expect(bed.mock.messagesTo('5000000000000000001').map((m) => m.text)).toEqual(zaloTexts(replies));
  }, 120_000);
});
