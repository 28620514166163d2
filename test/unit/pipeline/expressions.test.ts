import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jsonata from 'jsonata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HybridOrchestrator, MemoryRunStore, type SwitchyardError } from 'switchyard';
import { DEFAULT_EXPRESSION_LIMITS, compileExpression, resolveExpressionLimits } from '../../../src/pipeline/expressions.js';
import type { ExpressionScope } from '../../../src/pipeline/schema.js';
import { newProbe, testAdapter } from '../../helpers/hub-adapters.js';

const HOSTILE = resolve(import.meta.dirname, '../../fixtures/hostile');
const scope = (extra: Partial<ExpressionScope> = {}): ExpressionScope => ({ input: {}, previous: null, outputs: {}, data: {}, goal: '', ...extra });
const ENDLESS = '($f := function($x) { $f($x) }; $f(1))';

async function failure(promise: unknown): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    return error as SwitchyardError;
  }
  throw new Error('expected the evaluation to fail');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('bounded expressions: honest expressions are unaffected', () => {
  const document = {
    input: { question: 'What is RE2?', tags: ['a', 'b', 'a'], text: 'Hello World\nhello again 😀 café' },
    previous: { score: 0.7, items: [{ id: 1, v: 'x' }, { id: 2, v: 'y' }, { v: 'x', id: 1 }] },
    outputs: { retrieve: { docs: Array.from({ length: 50 }, (_, i) => ({ text: `doc ${i}`, score: i / 50 })) } },
    data: { flag: true, n: 3 },
    goal: 'answer',
  };
  const cases = [
    'previous.score > 0.5',
    '{ "q": input.question, "docs": outputs.retrieve.docs[score > 0.9].text }',
    '$count(outputs.retrieve.docs) > 2 and data.flag',
    '$join(outputs.retrieve.docs[[0..2]].text, ", ")',
    '$sum(outputs.retrieve.docs.score) / $count(outputs.retrieve.docs)',
    '$sort(outputs.retrieve.docs, function($a, $b) { $a.score < $b.score })[0].text',
    '$reduce([1..100], function($a, $v) { $a + $v }, 0)',
    '($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(20))',
    '$match(input.text, /hello/i).match',
    '$match(input.text, /^h(\\w+)/im).groups',
    '$match(input.text, /(x)?(l+)/).groups',
    '$replace(input.text, /o/, "0")',
    '$replace(input.text, /(\\w+) (\\w+)/, "$2 $1", 1)',
    '$split(input.text, /\\s+/)',
    '$contains(input.text, /CAF/i)',
    '$match(input.text, /é|😀/).index',
    '$pad("x", 5, "ab") & "|" & $pad("x", -4) & "|" & $pad("😀", 3, "é") & "|" & $pad("long", 2)',
    '$distinct(input.tags)',
    '$distinct(previous.items)',
    '$distinct([1, "1", true, null, [1, 2], [1, 2], {"a": 1, "b": [2]}, {"b": [2], "a": 1}])',
    '$string({ "a": [1, 2, { "b": "c" }] })',
    'input.tags ~> $map(function($t) { $uppercase($t) }) ~> $distinct()',
    '$keys(data) ~> $join(",")',
  ];

  it.each(cases)('%s gives what plain JSONata gives', async (source) => {
    const expected = await jsonata(source).evaluate(document);
    const actual = await compileExpression(source, 'stages[0].input')(document);
    expect(actual).toEqual(expected);
  });
});

describe('bounded expressions: budgets', () => {
  it('names the field and the time budget when an expression runs out of time', async () => {
    const error = await failure(compileExpression(ENDLESS, 'stages[2].when', { limits: { timeoutMs: 200 } })(scope()));
    expect(error.code).toBe('EXPRESSION_LIMIT');
    expect(error.message).toBe('stages[2].when: expression exceeded its 200 ms time budget');
    expect(error.path).toBe('stages[2].when');
    expect(error.details).toMatchObject({ limit: 'timeoutMs', value: 200, env: 'SWITCHYARD_EXPRESSION_TIMEOUT_MS' });
    expect(error.isUserError).toBe(true);
  });

  it('stops recursion at the depth budget', async () => {
    const error = await failure(compileExpression('($f := function($n) { 1 + $f($n + 1) }; $f(1))', 'stages[0].input', { limits: { maxDepth: 300 } })(scope()));
    expect(error.code).toBe('EXPRESSION_LIMIT');
    expect(error.message).toBe('stages[0].input: expression exceeded its depth budget of 300 (deep or endless recursion)');
  });

  it('stops long sequences at the sequence budget', async () => {
    const error = await failure(compileExpression('$count([1..1001])', 'stages[0].input', { limits: { maxSequence: 1000 } })(scope()));
    expect(error.message).toBe('stages[0].input: expression exceeded its sequence budget of 1000 items');
    await expect(compileExpression('$count([1..1000])', 'x', { limits: { maxSequence: 1000 } })(scope())).resolves.toBe(1000);
  });

  it('stops values that grow past the size budget, counting shared parts every time they appear', async () => {
    const limits = { maxSize: 10_000 };
    const doubling = '$reduce([1..30], function($o, $i) { {"a": $o, "b": $o} }, {"x": 1})';
    const error = await failure(compileExpression(doubling, 'stages[1].input', { limits })(scope()));
    expect(error.code).toBe('EXPRESSION_LIMIT');
    expect(error.message).toMatch(/^stages\[1\]\.input: expression exceeded its size budget of 10000 characters/);
    // a large value read from the scope counts too, but only what is touched
    const big = { text: 'x'.repeat(20_000) };
    await expect(failure(compileExpression('outputs.big.text', 'p', { limits })(scope({ outputs: { big } })))).resolves.toMatchObject({ code: 'EXPRESSION_LIMIT' });
    await expect(compileExpression('data.small', 'p', { limits })(scope({ outputs: { big }, data: { small: 1 } }))).resolves.toBe(1);
    await expect(failure(compileExpression('$pad("", 20000)', 'p', { limits })(scope()))).resolves.toMatchObject({ code: 'EXPRESSION_LIMIT' });
  });

  it('measures a scope value again when the data bus changed between evaluations', async () => {
    const evaluate = compileExpression('$count($keys(data))', 'p', { limits: { maxSize: 1000 } });
    const data: Record<string, unknown> = { a: 1 };
    await expect(evaluate(scope({ data }))).resolves.toBe(1);
    data.b = 'y'.repeat(2000);
    await expect(failure(evaluate(scope({ data })))).resolves.toMatchObject({ code: 'EXPRESSION_LIMIT' });
  });

  it('does not hang on data with cycles (from code pipelines)', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    await expect(compileExpression('data.cyclic.name', 'p')(scope({ data: { cyclic } }))).resolves.toBe('loop');
  });

  it('keeps other errors as STAGE_FAILED with the expression', async () => {
    const error = await failure(compileExpression('$number("x") + $undefinedFn()', 'stages[0].input')(scope()));
    expect(error.code).toBe('STAGE_FAILED');
    expect(error.message).toMatch(/^stages\[0\]\.input: expression .* failed: /);
  });
});

describe('bounded expressions: signals, stage timeouts and the event loop', () => {
  const slow = { limits: { timeoutMs: 60_000 } };

  it('stops when the caller signal fires, with the signal reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const error = await failure(compileExpression(ENDLESS, 'stages[0].when', slow)(scope(), { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });

  it('does not start when the signal has already fired', async () => {
    const error = await failure(compileExpression('1', 'p')(scope(), { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
  });

  it('ends at the caller timeout when it is shorter than the time budget', async () => {
    const error = await failure(compileExpression(ENDLESS, 'stages[3].input', slow)(scope(), { timeoutMs: 100 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe('stages[3].input: expression exceeded the stage timeout of 100 ms');
  });

  it('gives the event loop turns while a long expression runs, so timers fire', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await failure(compileExpression(ENDLESS, 'p', { limits: { timeoutMs: 300 } })(scope()));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3);
  });
});

describe('bounded expressions: regular expressions and $eval', () => {
  it('matches with a linear-time engine: a catastrophic pattern just does not match', async () => {
    const text = `${'a'.repeat(5000)}!`;
    await expect(compileExpression('$match(input.text, /(a+)+$/)', 'p')(scope({ input: { text } }))).resolves.toBeUndefined();
    await expect(compileExpression('$contains(input.text, /(a|aa)+b/)', 'p')(scope({ input: { text } }))).resolves.toBe(false);
  });

  it('refuses a match whose worst case (program size × text length) exceeds the time budget', async () => {
    const evaluate = compileExpression('$match(input, /[\\s\\S]{1000}y/)', 'stages[0].input', { limits: { timeoutMs: 100 } });
    const error = await failure(evaluate(scope({ input: 'x'.repeat(30_000) })));
    expect(error.code).toBe('EXPRESSION_LIMIT');
    expect(error.message).toMatch(/^stages\[0\]\.input: expression exceeded its 100 ms time budget: the regular expression \/\[\\s\\S\]\{1000\}y\/ \(program size \d+\) on a text of 30000 characters would take longer$/);
    // the same pattern on a short text, and a small pattern on a long text, are fine
    await expect(evaluate(scope({ input: 'x'.repeat(100) }))).resolves.toBeUndefined();
    await expect(compileExpression('$count($match(input, /x+y?/, 1000))', 'p')(scope({ input: 'xy'.repeat(200_000) }))).resolves.toBe(1000);
    await expect(compileExpression('$contains(input, /y/)', 'p')(scope({ input: 'x'.repeat(200_000) }))).resolves.toBe(false);
  });

  it.each([
    ['a backreference', '$match(input, /(a)\\1/)', '/(a)\\1/'],
    ['a lookahead', '$contains(input, /a(?=b)/)', '/a(?=b)/'],
    ['a negative lookbehind', '$split(input, /(?<!x)y/)', '/(?<!x)y/'],
  ])('rejects %s at compile time, naming the field', (_what, source, pattern) => {
    let error: SwitchyardError | undefined;
    try {
      compileExpression(source, 'stages[4].when');
    } catch (thrown) {
      error = thrown as SwitchyardError;
    }
    expect(error?.code).toBe('INVALID_PIPELINE');
    expect(error?.path).toBe('stages[4].when');
    expect(error?.message).toContain(`stages[4].when: the regular expression ${pattern} is not supported`);
    expect(error?.message).toContain('no backreferences or lookaround');
  });

  it('disables $eval: a call is a compile-time error, and so is taking it as a value', () => {
    expect(() => compileExpression('$eval("1 + 1")', 'stages[0].input')).toThrow(/^stages\[0\]\.input: \$eval is disabled in pipeline expressions/);
    expect(() => compileExpression('($e := $eval; $e("1"))', 'stages[0].input')).toThrow(/\$eval is disabled/);
  });
});

describe('expression limits: the operator sets them, in code or in the environment', () => {
  it('uses the defaults when nothing is set', () => {
    expect(resolveExpressionLimits({}, {})).toEqual(DEFAULT_EXPRESSION_LIMITS);
    expect(DEFAULT_EXPRESSION_LIMITS).toEqual({ timeoutMs: 1000, maxDepth: 500, maxSequence: 100_000, maxSize: 16 * 1024 * 1024 });
  });

  it('takes each limit from code, else its environment variable, else the default', () => {
    const env = { SWITCHYARD_EXPRESSION_TIMEOUT_MS: '250', SWITCHYARD_EXPRESSION_MAX_DEPTH: '800' };
    expect(resolveExpressionLimits({ timeoutMs: 5000 }, env)).toEqual({ ...DEFAULT_EXPRESSION_LIMITS, timeoutMs: 5000, maxDepth: 800 });
  });

  it('rejects a value that is not a positive integer, naming where it came from', () => {
    expect(() => resolveExpressionLimits({}, { SWITCHYARD_EXPRESSION_TIMEOUT_MS: 'soon' })).toThrow('SWITCHYARD_EXPRESSION_TIMEOUT_MS: expected a positive integer; got "soon"');
    expect(() => resolveExpressionLimits({ maxDepth: 0 })).toThrow('expressionLimits.maxDepth: expected a positive integer; got 0');
    expect(() => resolveExpressionLimits({ timeout: 5 } as never)).toThrow(/expressionLimits\.timeout: expected one of timeoutMs/);
  });

  it('applies the hub option and the environment to pipeline expressions', async () => {
    const probe = newProbe();
    const pipeline = { name: 'limits', stages: [{ id: 'spin', type: 'test', when: ENDLESS, task: { op: 'value', value: 1 } }] };
    const fromCode = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { test: testAdapter('test', probe) }, expressionLimits: { timeoutMs: 120 } });
    const result = await fromCode.run(pipeline);
    expect(result.status).toBe('failed');
    expect(result.stages[0]?.error).toMatchObject({ code: 'EXPRESSION_LIMIT', message: 'stages[0].when: expression exceeded its 120 ms time budget' });

    vi.stubEnv('SWITCHYARD_EXPRESSION_TIMEOUT_MS', '150');
    const fromEnv = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { test: testAdapter('test', probe) } });
    expect((await fromEnv.run(pipeline)).stages[0]?.error?.message).toBe('stages[0].when: expression exceeded its 150 ms time budget');
  });
});

describe('the hub stops expressions with the stage timeout and the run deadline', () => {
  const hub = () => new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false, adapters: { test: testAdapter('test', newProbe()) }, expressionLimits: { timeoutMs: 60_000 } });

  it('a stage timeoutMs ends its `input` expression', async () => {
    const result = await hub().run({ name: 't', stages: [{ type: 'test', input: ENDLESS, timeoutMs: 100, task: { op: 'echo' } }] });
    expect(result.status).toBe('failed');
    expect(result.stages[0]?.error).toMatchObject({ code: 'TIMEOUT', message: 'stages[0].input: expression exceeded the stage timeout of 100 ms' });
  });

  it('the run deadline ends a `when` expression (the deadline timer fires while it runs)', async () => {
    const result = await hub().run({ name: 'd', stages: [{ type: 'test', when: ENDLESS, task: { op: 'echo' } }] }, { deadlineMs: 150 });
    expect(result.status).toBe('cancelled');
    expect(result.error?.message).toMatch(/deadline of 150 ms/);
  });

  it('a cancelled run ends a parallel group `when`', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await hub().run({ name: 'g', stages: [{ parallel: [{ type: 'test', task: { op: 'echo' } }], when: ENDLESS }] }, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
  });
});

describe('the hostile-input corpus (test/fixtures/hostile): every file ends, within its budgets', () => {
  const expectation = (file: string) => /^# expect: (\S+)$/m.exec(readFileSync(join(HOSTILE, file), 'utf8'))?.[1];
  // The expression cases; the corpus's other files (YAML bombs, module and path tricks, huge numbers) run through the
  // real CLI in test/integration/hostile-corpus.test.ts.
  const files = readdirSync(HOSTILE).filter((name) => name.endsWith('.yaml') && /^# expect: (EXPRESSION_LIMIT|INVALID_PIPELINE|completed)$/m.test(readFileSync(join(HOSTILE, name), 'utf8')));

  it('has files, each with an expectation', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(['EXPRESSION_LIMIT', 'INVALID_PIPELINE', 'completed'], file).toContain(expectation(file));
  });

  it.each(files)('%s', { timeout: 60_000 }, async (file) => {
    const hub = new HybridOrchestrator({ store: new MemoryRunStore(), builtins: false });
    const path = join(HOSTILE, file);
    const expected = expectation(file);
    if (expected === 'INVALID_PIPELINE') {
      const error = await failure(hub.validate(path));
      expect(error.code).toBe('INVALID_PIPELINE');
      expect(error.message).toMatch(/stages\[0\]\.(when|input): /);
      return;
    }
    const result = await hub.run(path, { input: { text: 'aab' } });
    if (expected === 'completed') {
      expect(result.status).toBe('completed');
      return;
    }
    expect(result.status).toBe('failed');
    const stage = result.stages.find((s) => s.id === 'hostile');
    expect(stage?.status).toBe('failed');
    expect(stage?.error?.code).toBe('EXPRESSION_LIMIT');
    expect(stage?.error?.message).toMatch(/^stages\[0\]\.(when|input): expression (exceeded|ran out of room)/);
  });
});
