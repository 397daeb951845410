import { createRequire as requireFrom } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ERRORS } from '../errors.js';

/** zxcvbn's scale runs 0–4; 3 means "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;

export const WEAK_PASSWORD_MESSAGE = ERRORS.weak_password.message;

/**
 * zxcvbn and its word lists are required on the first password check, not imported: they are half a megabyte of
 * code that unpacks ~40,000 words (~5 MB of heap) when loaded, and a service may run for days without a password
 * being set. Required by name at run time, they stay outside the server bundle (esbuild leaves such calls alone).
 */
const requireAtRunTime = requireFrom(import.meta.url);
let estimator: ZxcvbnFactory | null = null;

function loadEstimator(): ZxcvbnFactory {
  const { ZxcvbnFactory } = requireAtRunTime('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const { adjacencyGraphs, dictionary } = requireAtRunTime('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  return new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
}

/**
 * Whether a password is strong enough, by the zxcvbn strength estimator with its common-password lists and keyboard
 * patterns; `userInputs` (e.g. the username) count as known words. The lists load on first use.
 */
export function isStrongPassword(password: string, userInputs: string[] = []): boolean {
  estimator ??= loadEstimator();
  return estimator.check(password, userInputs).score >= MIN_PASSWORD_SCORE;
}
