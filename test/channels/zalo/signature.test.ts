import { describe, expect, it } from 'vitest';
import { isValidZaloSignature, zaloMac } from '../../../src/channels/zalo/signature.js';
import { signZaloEvent, REFERENCE_VECTOR as vector } from '../../support/mock-zalo/sign.js';

describe('Zalo webhook signature', () => {
  it('reproduces the reference test vector (sha256 of app id + raw body + timestamp + OA secret key)', () => {
    expect(`mac=${zaloMac(vector.appId, vector.rawBody, vector.timestamp, vector.oaSecretKey)}`).toBe(vector.header);
    expect(signZaloEvent(vector.appId, vector.rawBody, vector.timestamp, vector.oaSecretKey)).toBe(vector.header);
    expect(isValidZaloSignature(vector.header, vector)).toBe(true);
    expect(isValidZaloSignature(vector.header.toUpperCase().replace('MAC=', 'mac='), vector)).toBe(true);
  });

  it('refuses a changed body, timestamp, key or header', () => {
    expect(isValidZaloSignature(vector.header, { ...vector, rawBody: vector.rawBody.replace('chào', 'chao') })).toBe(false);
    expect(isValidZaloSignature(vector.header, { ...vector, timestamp: '1764288000001' })).toBe(false);
    expect(isValidZaloSignature(vector.header, { ...vector, oaSecretKey: 'other' })).toBe(false);
    // Re-serialised JSON (spaces) is not what Zalo signed.
    const pretty = JSON.stringify(JSON.parse(vector.rawBody), null, 1);
    expect(isValidZaloSignature(vector.header, { ...vector, rawBody: pretty })).toBe(false);
    for (const header of [undefined, '', vector.header.slice(4), `${vector.header}0`, 'mac=xyz', `sha256=${vector.header.slice(4)}`]) {
      expect(isValidZaloSignature(header, vector)).toBe(false);
    }
  });
});
