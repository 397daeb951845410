import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Inputs per route; FUZZ_RUNS raises it for a long local run. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

/** Strings that break naive code: controls, lone surrogates, bidi overrides, BOM, NFD Vietnamese, emoji flags… */
const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF',
  '\u202Eabc',
  '\uFEFF',
  '\u2028\u2029',
  '\r\n\t',
  'ho\u0300 nghe\u0300o', // NFD: "hồ nghèo" with combining marks
  'Z̴̡̛̖̮a̷l̵g̸o̶',
  '🇻🇳👨‍👩‍👧‍👦',
  'ﷺ',
  '%00%2e%2e%2f',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  // A template placeholder, literally: must stay text everywhere.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal characters are the point
  '${process.exit()}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
];

/** Keys aimed at prototype pollution and at code that trusts own properties. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

export const hostileString = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Code units in the surrogate range, paired or not.
  fc.array(fc.integer({ min: 0xd7f0, max: 0xe010 }), { maxLength: 8 }).map((units) => String.fromCharCode(...units)),
  // Just over the limits the routes declare (2,000 characters, 200 for payloads) and far over.
  fc.constantFrom(199, 200, 201, 1999, 2000, 2001, 5000, 20_000).map((n) => 'á'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_VALUE, 2 ** 53, 0.1 + 0.2),
);

/** JSON text (not a JS value) so that keys like "__proto__" reach the server as own keys. */
export type JsonText = string;

const hostileJson: fc.Arbitrary<JsonText> = fc.letrec<{ value: JsonText }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString.map((s) => JSON.stringify(s)),
    hostileNumber.map((n) => JSON.stringify(n)),
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), hostileString), tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/**
 * A JSON object with the route's own field names (so validation goes deeper than the first check), mixed with
 * prototype keys and unknown fields, each holding a hostile value — or, sometimes, the field's expected value.
 */
export function hostileObject(fields: Record<string, fc.Arbitrary<JsonText>>): fc.Arbitrary<JsonText> {
  const names = Object.keys(fields);
  const entry = fc.oneof(
    ...names.map((name) => fc.tuple(fc.constant(name), fc.oneof(fields[name]!, hostileJson))),
    fc.tuple(fc.constantFrom(...PROTO_KEYS), hostileJson),
    fc.tuple(hostileString, hostileJson),
  );
  return fc
    .array(entry, { maxLength: names.length + 3 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
}

export const json = (value: unknown): fc.Arbitrary<JsonText> => fc.constant(JSON.stringify(value));

/** One request body as bytes, with the content type it claims. */
export interface RawBody {
  payload: Buffer;
  contentType: string | undefined;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  undefined,
];

const nested = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Byte sequences that are not UTF-8: lone continuation bytes, overlongs, surrogates encoded, truncated sequences. */
const invalidUtf8 = fc
  .array(
    fc.oneof(
      fc.constantFrom([0xff], [0xfe], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0x80]),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((chunks) => Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, ...chunks.flat(), 0x22, 0x7d])); // {"text":"…"}

/** Everything a route may receive: its own shape made hostile, random JSON, garbage, bad bytes, deep nesting, huge bodies. */
export function hostileBody(shape: fc.Arbitrary<JsonText>): fc.Arbitrary<RawBody> {
  const asJson = (text: fc.Arbitrary<string>) => text.map((t) => Buffer.from(t, 'utf8'));
  const payload = fc.oneof(
    { weight: 6, arbitrary: asJson(shape) },
    { weight: 3, arbitrary: asJson(hostileJson) },
    { weight: 1, arbitrary: asJson(fc.string({ maxLength: 60 })) },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: asJson(nested) },
    { weight: 1, arbitrary: fc.constantFrom(40_000, 70_000, 200_000).map((n) => Buffer.from(JSON.stringify({ text: 'x'.repeat(n) }))) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
  const contentType = fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  return fc.record({ payload, contentType });
}

/** What every response must look like, whatever came in. */
export function expectWellFormed(status: number, body: string, context: string): void {
  expect(status, `${context}: ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(body, context).not.toMatch(/\bat [^\s(]+ \(|node_modules|\/src\/|\.ts:\d+|\/work\/|\/tmp\//);
  if (status < 400) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`${context}: ${status} with a body that is not JSON: ${body.slice(0, 200)}`);
  }
  const { error, message } = parsed as { error?: unknown; message?: unknown };
  expect(typeof error === 'string' && error.length > 0, `${context}: error code in ${body.slice(0, 200)}`).toBe(true);
  expect(typeof message === 'string' && message.trim().length > 0, `${context}: message in ${body.slice(0, 200)}`).toBe(true);
  expectHumanMessage(message as string, `${context}: ${body.slice(0, 200)}`);
  // Fastify's own fallback shape: the service's error handler was bypassed (or threw).
  expect(parsed, `${context}: ${body.slice(0, 200)}`).not.toHaveProperty('statusCode');
}

const VIETNAMESE_LETTER = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i;

/** A sentence for the citizen or officer, in Vietnamese, not a JavaScript error leaking through. */
export function expectHumanMessage(message: string, context: string): void {
  expect(message, context).toMatch(VIETNAMESE_LETTER);
  expect(message, context).not.toMatch(/TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|is not defined/);
}

let gcFunction: (() => void) | undefined;
/** Heap in use after a full collection (the test process is not started with --expose-gc). */
export function heapAfterGc(): number {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
  return process.memoryUsage().heapUsed;
}
