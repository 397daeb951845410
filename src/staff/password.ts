import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords are stored as `scrypt$N$r$p$salt$hash` (base64), so the cost can be raised later while old hashes
 * still verify. N = 2^15 makes scrypt's work area (128·r·N bytes) just over 32 MiB, the most glibc's malloc ever
 * raises its mmap threshold to: the area is mapped for the call and unmapped after it. At N = 2^14 (16 MiB) the first
 * hash raised the threshold to 16 MiB for the life of the process, and every thread-pool thread that checked a
 * password afterwards kept its 16 MiB in its malloc arena (docs/performance.md, run 25). A login costs about twice the
 * CPU of 2^14.
 */
const COST = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False for a wrong password and for a malformed stored hash (never throws on bad data). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}

let decoy: Promise<string> | null = null;
/** A hash of a random password: verifying against it costs the same as a real account (no user enumeration). */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
