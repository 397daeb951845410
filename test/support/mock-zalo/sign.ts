import { createHash } from 'node:crypto';

/**
 * How Zalo signs a webhook (reference §1.5): `mac=` + hex SHA-256 of app id + raw body + the body's timestamp +
 * OA secret key. Written here on its own, from the reference, so the service's verifier is checked against an
 * independent signer rather than against itself.
 */
export function signZaloEvent(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`, 'utf8').digest('hex')}`;
}

/** The synthetic vector of reference §1.5. */
export const REFERENCE_VECTOR = {
  appId: '1111111111111111111',
  oaSecretKey: 'TEST_OA_SECRET_KEY_01',
  timestamp: '1764288000000',
  rawBody:
    '{"app_id":"1111111111111111111","sender":{"id":"2222222222222222222"},"user_id_by_app":"3333333333333333333","recipient":{"id":"4444444444444444444"},"event_name":"user_send_text","message":{"text":"Xin chào","msg_id":"abcdef0123456789abcd"},"timestamp":"1764288000000"}',
  header: 'mac=10073767225fa4ba0fadeb58a5c43c9d7f8e6e8bb2fb1cd014b9452c75fba215',
} as const;
