import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { ERRORS } from '../errors.js';

/** zxcvbn's scale runs 0–4; 3 means "safely unguessable: moderate protection from offline attacks". */
export const MIN_PASSWORD_SCORE = 3;

export const WEAK_PASSWORD_MESSAGE = ERRORS.weak_password.message;

let estimator: ZxcvbnFactory | null = null;

/**
 * Whether a password is strong enough, by the zxcvbn strength estimator with its common-password lists and keyboard
 * patterns; `userInputs` (e.g. the username) count as known words. The lists load on first use.
 */
export function isStrongPassword(password: string, userInputs: string[] = []): boolean {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password, userInputs).score >= MIN_PASSWORD_SCORE;
}
