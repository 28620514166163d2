import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/did-you-mean.js';

describe('did you mean', () => {
  it('didYouMean suggests only close candidates', () => {
    expect(didYouMean('langgrph', ['agno', 'langgraph'])).toBe(' (did you mean "langgraph"?)');
    expect(didYouMean('airflow', ['agno', 'langgraph', 'llamaindex', 'prefect'])).toBe('');
    expect(didYouMean('x', [])).toBe('');
  });
});
