import { describe, expect, it } from 'vitest';
import { SwitchyardError, invalidInput, toSwitchyardError } from 'switchyard';

describe('errors', () => {
  it('names the path, what was expected and what was found', () => {
    const error = invalidInput('stages[2].type', 'one of agno, langgraph', 'langraph');
    expect(error.message).toBe('stages[2].type: expected one of agno, langgraph; got "langraph"');
    expect(error.isUserError).toBe(true);
    expect(error.toJSON()).toMatchObject({ code: 'INVALID_INPUT', path: 'stages[2].type' });
  });

  it('keeps faults apart from user mistakes', () => {
    expect(new SwitchyardError('ENGINE_ERROR', 'boom').isUserError).toBe(false);
    const abort = Object.assign(new Error('stop'), { name: 'AbortError' });
    expect(toSwitchyardError(abort).code).toBe('CANCELLED');
    expect(toSwitchyardError('text').code).toBe('ENGINE_ERROR');
  });
});
