import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/staff/password.js';

describe('staff passwords (scrypt)', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const first = await hashPassword('mật khẩu đủ dài 1');
    const second = await hashPassword('mật khẩu đủ dài 1');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[\w+/=]{24}\$[\w+/=]{88}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('mật khẩu đủ dài 1', first)).toBe(true);
    expect(await verifyPassword('mật khẩu đủ dài 2', first)).toBe(false);
    // The same letters typed as decomposed Unicode (some phone keyboards) still match.
    expect(await verifyPassword('mật khẩu đủ dài 1'.normalize('NFD'), first)).toBe(true);
  });

  it('treats a malformed stored hash as a wrong password instead of throwing', async () => {
    for (const stored of ['', 'plain-text', 'scrypt$16384$8$1$c2FsdA==$c2hvcnQ=', 'bcrypt$10$abc$def$ghi']) {
      expect(await verifyPassword('bất kỳ', stored)).toBe(false);
    }
  });
});
