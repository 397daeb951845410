import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';

/** Every source file of src/, with its text. */
function sources(dir = 'src'): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

/** The error codes a source sends: `new AppError('code'` (or `super('code'` in a subclass), `sendError(reply, 'code'`, `{ error: 'code'` in a reply. */
function codesSent(text: string): string[] {
  const patterns = [/(?:new AppError|super)\(\s*'([a-z_]+)'/g, /sendError\([^,]+,\s*'([a-z_]+)'/g, /\berror: '([a-z_]+)'/g];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

describe('the error catalogue (src/errors.ts)', () => {
  const all = sources().filter((s) => s.file !== join('src', 'errors.ts'));
  const sent = new Map<string, string[]>();
  for (const { file, text } of all) for (const code of codesSent(text)) sent.set(code, [...(sent.get(code) ?? []), file]);

  it('holds every error code the code base sends', () => {
    const missing = [...sent].filter(([code]) => !Object.hasOwn(ERRORS, code)).map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('holds no code that nothing sends', () => {
    expect(Object.keys(ERRORS).filter((code) => !sent.has(code))).toEqual([]);
  });

  it('gives each code one error status and a Vietnamese sentence with diacritics', () => {
    for (const [code, { status, message }] of Object.entries(ERRORS)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message.normalize('NFD'), code).toMatch(/[\u0300-\u036f]|đ/i);
      expect(message, code).toMatch(/[.!?]$/);
    }
  });

  it('is the only place an HTTP error status is chosen (the health check answers 503 in its own shape)', () => {
    const literal = all
      .filter(({ file, text }) => file !== join('src', 'http', 'health.ts') && /reply\s*\.code\(\s*[45]\d\d\s*\)/.test(text))
      .map((s) => s.file);
    expect(literal).toEqual([]);
  });
});
