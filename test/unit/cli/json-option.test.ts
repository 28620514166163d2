import { describe, expect, it } from 'vitest';
import { parseJsonOption } from '../../../src/cli/json-option.js';

describe('JSON-valued flags', () => {
  it('parseJsonOption: absent, valid, and malformed JSON naming the flag', () => {
    expect(parseJsonOption(undefined, '--input')).toBeUndefined();
    expect(parseJsonOption('{"a":[1]}', '--input')).toEqual({ a: [1] });
    expect(() => parseJsonOption('{bad', '--data')).toThrow(/^--data: expected JSON \(.+\); got "\{bad"$/);
    expect(() => parseJsonOption('', '--input')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', path: '--input', isUserError: true }));
  });
});
