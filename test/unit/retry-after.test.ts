import { describe, expect, it } from 'vitest';

describe('Retry-After, shared by the adapters', () => {
  it('parseRetryAfter reads delta-seconds and HTTP dates', async () => {
    const { parseRetryAfter } = await import('../../src/retry-after.js');
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
