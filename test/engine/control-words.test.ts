import { describe, expect, it } from 'vitest';
import { controlWordOf } from '../../src/engine/control-words.js';

describe('control words', () => {
  it.each([
    ['tiep tuc', 'resume'],
    ['ok tiep tuc', 'resume'],
    ['uh tiep di', 'resume'],
    ['vang, quay lai', 'back'],
    ['Hủy ạ', 'cancel'],
    ['huy dang ky', null],
    ['ok', null],
  ] as const)('%j → %s', (text, expected) => {
    expect(controlWordOf(text)).toBe(expected);
  });
});
