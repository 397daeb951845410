import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NONCE_BYTES = 16;
const MAC_BYTES = 16;
/** base64url length of the nonce (no padding); the mac takes as many characters after it. */
const NONCE_LENGTH = 22;
const ISSUED = /^[A-Za-z0-9_-]{44}$/;

/** Where the secret lives when WIDGET_SESSION_SECRET is not set. */
export const SESSION_SECRET_FILE = 'widget-session-secret';

/**
 * Widget session ids are issued by the server: 128 random bits followed by their HMAC-SHA-256 (truncated to 128
 * bits) under a server secret. An id the server did not issue is never used: it starts a new conversation, so no
 * one reads a conversation (or "xem dữ liệu của tôi") by guessing or choosing an id.
 */
export class WidgetSessionIds {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  issue(): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return nonce + this.#mac(nonce);
  }

  /** Whether `id` is one this server issued (with this secret). */
  isIssued(id: string | undefined): id is string {
    if (!id || !ISSUED.test(id)) return false;
    const nonce = id.slice(0, NONCE_LENGTH);
    const given = Buffer.from(id.slice(NONCE_LENGTH), 'base64url');
    const expected = Buffer.from(this.#mac(nonce), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The id given when the server issued it, else a new one. */
  resolve(id: string | undefined): string {
    return this.isIssued(id) ? id : this.issue();
  }

  #mac(nonce: string): string {
    return createHmac('sha256', this.#secret).update(nonce).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}

/**
 * The signing secret: WIDGET_SESSION_SECRET when set, else a random one generated once and kept in DATA_DIR (so ids
 * survive restarts), readable by the service's user only.
 */
export async function loadSessionSecret(configured: string | undefined, dataDir: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, SESSION_SECRET_FILE);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it meanwhile: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
    throw error;
  }
}
