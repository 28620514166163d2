import { describe, expect, it } from 'vitest';
import { custom, type Pipeline, type StageSpec, type StageType } from 'switchyard';

// tsc checks this file (tsconfig includes test/): each @ts-expect-error fails the typecheck if the line compiles.
describe('stage types in TypeScript', () => {
  it('accepts the built-in engines and auto, and custom types through custom()', () => {
    const builtins: StageType[] = ['agno', 'langgraph', 'llamaindex', 'prefect', 'auto'];
    const pipeline: Pipeline = {
      stages: [
        { type: 'langgraph', task: {} },
        { type: custom('my-engine'), task: { op: 'echo' } },
        { parallel: [{ type: 'agno', task: {} }, { type: custom('other'), task: {} }] },
      ],
    };
    expect(builtins).toHaveLength(5);
    // custom() is the string itself at run time
    expect(pipeline.stages[1]).toEqual({ type: 'my-engine', task: { op: 'echo' } });
  });

  it('refuses a misspelt built-in and a bare custom string', () => {
    // @ts-expect-error 'langraph' is not an engine type
    const typo: StageSpec = { type: 'langraph', task: {} };
    // @ts-expect-error a custom type is written custom('my-engine')
    const bare: StageType = 'my-engine';
    const inPipeline: Pipeline = {
      // @ts-expect-error a misspelt type inside a pipeline, too
      stages: [{ type: 'prefct', task: {} }],
    };
    const inGroup: Pipeline = {
      // @ts-expect-error and inside a parallel group
      stages: [{ parallel: [{ type: 'llamindex', task: {} }] }],
    };
    expect([typo.type, bare, inPipeline.stages.length, inGroup.stages.length]).toEqual(['langraph', 'my-engine', 1, 1]);
  });
});
