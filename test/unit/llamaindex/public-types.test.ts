import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
// Inside the repository, so the declarations resolve zod, node's types and the rest from its node_modules.
const OUT = join(ROOT, 'node_modules', '.cache', `switchyard-public-types-${process.pid}`);

/** A consumer of `switchyard/llamaindex` as a user writes one: the adapter, a workflow of their own, an index. */
const CONSUMER = `
import { createAdapter, defineWorkflow, openIndex, evaluateRetrieval, type Passage, type SwitchyardWorkflowContext } from 'switchyard/llamaindex';

export const adapter = createAdapter({ embeddings: { baseURL: 'http://127.0.0.1:8000/v1', model: 'multilingual-e5-small', prefixes: 'input_type' }, llm: false });
export const shout = defineWorkflow(({ createWorkflow, workflowEvent }) => {
  const start = workflowEvent<string>({ debugLabel: 'start' });
  const stop = workflowEvent<{ text: string }>();
  const workflow = createWorkflow();
  workflow.handle([start], async (context, event) => {
    context.signal.throwIfAborted();
    (context as SwitchyardWorkflowContext).switchyard.emit({ kind: 'shout.started' });
    const text: string = event.data.toUpperCase();
    return stop.with({ text });
  });
  return { workflow, start, stop };
});
export async function search(): Promise<Passage[]> {
  const index = await openIndex('.switchyard', 'handbook');
  return index.search('on-call escalation', { topK: 5, retriever: 'hybrid' });
}
export const evaluation = evaluateRetrieval({ baseDir: '.', docs: ['docs/*'], questions: [{ question: 'q', source: 'a.md', passage: 'p' }] });
`;

function format(diagnostics: readonly ts.Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.file ? `${d.file.fileName.replace(`${ROOT}/`, '')}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`);
}

describe('switchyard/llamaindex public declarations', () => {
  afterAll(async () => rm(OUT, { recursive: true, force: true }));

  it('type-check in a consumer with skipLibCheck: false (no LlamaIndex package types leak)', async () => {
    // 1. Emit the declarations as the build does (tsconfig.build.json: the kit mapped to its source).
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const build = ts.createProgram([join(ROOT, 'adapters/llamaindex/index.ts')], {
      ...config.options,
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      sourceMap: false,
      declarationMap: false,
      outDir: OUT,
      rootDir: ROOT,
      paths: { 'switchyard/adapter-kit': [join(ROOT, 'src/kit/index.ts')] },
    });
    const emitted = build.emit();
    expect(format(emitted.diagnostics)).toEqual([]);
    const declarations = ts.sys.readDirectory(join(OUT, 'adapters/llamaindex'), ['.d.ts']);
    expect(declarations.length).toBeGreaterThan(5);

    // 2. A consumer resolving switchyard/* to those declarations, checking every library file it reaches.
    await mkdir(join(OUT, 'consumer'), { recursive: true });
    const consumer = join(OUT, 'consumer', 'consumer.ts');
    await writeFile(consumer, CONSUMER);
    const program = ts.createProgram([consumer], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
      paths: {
        'switchyard/llamaindex': [join(OUT, 'adapters/llamaindex/index.d.ts')],
        'switchyard/adapter-kit': [join(OUT, 'src/kit/index.d.ts')],
        'switchyard/adapter-kit/testing': [join(OUT, 'src/kit/testing.d.ts')],
        switchyard: [join(OUT, 'src/index.d.ts')],
      },
    });
    const files = program.getSourceFiles().map((f) => f.fileName);
    expect(files.some((f) => f.endsWith('adapters/llamaindex/index.d.ts'))).toBe(true);
    // The public declarations reach no LlamaIndex package at all (their own .d.ts files do not type-check).
    expect(files.filter((f) => /node_modules\/(?:@llamaindex|llamaindex)\//.test(f))).toEqual([]);
    expect(format(ts.getPreEmitDiagnostics(program))).toEqual([]);
  }, 180_000);
});
