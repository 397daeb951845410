import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo signs each webhook with `X-ZEvent-Signature: mac=<hex>`, hex = SHA-256 (plain, not HMAC) of
 * app id + raw body + the body's `timestamp` + the OA secret key (reference §1.5). The raw body must be the bytes as
 * received: re-serialising parsed JSON changes them.
 */
export function zaloMac(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId + rawBody + timestamp + oaSecretKey, 'utf8').digest('hex');
}

/** A well-formed X-ZEvent-Signature header (whether or not it matches). */
export const SIGNATURE_HEADER = /^mac=([0-9a-fA-F]{64})$/;

/** Constant-time check of the header against the expected mac; false for a missing or malformed header. */
export function isValidZaloSignature(
  header: string | undefined,
  input: { appId: string; rawBody: string; timestamp: string; oaSecretKey: string },
): boolean {
  const given = header ? SIGNATURE_HEADER.exec(header.trim()) : null;
  if (!given) return false;
  const expected = Buffer.from(zaloMac(input.appId, input.rawBody, input.timestamp, input.oaSecretKey), 'hex');
  return timingSafeEqual(Buffer.from(given[1]!, 'hex'), expected);
}

/** The body's `timestamp` as Zalo concatenates it (a string; tolerate a JSON number); '' when absent. */
export function signedTimestampOf(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const timestamp = (body as { timestamp?: unknown }).timestamp;
  if (typeof timestamp === 'string') return timestamp;
  if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp)) return String(timestamp);
  return '';
}
