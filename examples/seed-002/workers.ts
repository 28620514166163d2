/**
 * What the seed 002 pipelines refer to by name, registered offline (no model needed):
 * the agents `implementer`, `tester` and `python-pro` as function agents (seed 003's workers),
 * and the LangGraph node handlers. Each pipeline lists this file under `modules:`.
 */
import type { ResourceRegistry } from 'switchyard';
import { FunctionAgent } from 'switchyard/agno';

type State = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? ''));

export default function register(registry: ResourceRegistry): void {
  // ---- agents (agno stages) ----
  registry.set(
    'agent',
    'implementer',
    new FunctionAgent<unknown, { files: string[]; summary: string }>({
      name: 'implementer',
      role: 'turns an approved plan into a change list',
      executor: (input) => {
        const plan = text(input);
        const words = plan.toLowerCase().match(/[a-z]{5,}/g) ?? [];
        const topics = [...new Set(words)].slice(0, 3);
        return { files: topics.map((t) => `src/${t}.ts`), summary: `implement ${topics.join(', ') || 'the plan'}` };
      },
    }),
  );
  registry.set(
    'agent',
    'tester',
    new FunctionAgent<unknown, { passed: number; failed: number; failures: string[] }>({
      name: 'tester',
      role: 'runs the test suite',
      executor: () => {
        const suite: Record<string, () => boolean> = {
          'adds numbers': () => 1 + 2 === 3,
          'joins words': () => ['a', 'b'].join('-') === 'a-b',
        };
        const failures = Object.entries(suite).filter(([, t]) => !t()).map(([n]) => n);
        return { passed: Object.keys(suite).length - failures.length, failed: failures.length, failures };
      },
    }),
  );
  registry.set(
    'agent',
    'python-pro',
    new FunctionAgent<unknown, { language: string; code: string }>({
      name: 'python-pro',
      role: 'writes Python from a specification',
      executor: (input) => {
        const spec = text((input as { spec?: unknown } | undefined)?.spec ?? input);
        const names = [...new Set((spec.match(/\b[a-z]+_[a-z_]+\b/g) ?? []).slice(0, 3))];
        const functions = (names.length ? names : ['handle_request']).map((n) => `def ${n}(*args, **kwargs):\n    """Generated from the spec."""\n    raise NotImplementedError\n`);
        return { language: 'python', code: functions.join('\n') };
      },
    }),
  );

  // ---- LangGraph node handlers: each gets the graph state and returns an update ----
  registry.set('handler', 'analyze', (state: State) => ({ analysis: { keys: Object.keys(state).sort() } }));
  registry.set('handler', 'review', (state: State) => ({ review: { verdict: 'ready', seen: Object.keys(state).sort() } }));
  registry.set('handler', 'implement', (state: State) => ({ implemented: true, basedOn: Object.keys(state).sort() }));
  // Pattern 2: decide the auth approach from what retrieval found.
  registry.set('handler', 'route', (state: State) => ({ use_jwt: /jwt|token/i.test(JSON.stringify(state)) }));
  registry.set('handler', 'implement_jwt', () => ({ auth: 'jwt' }));
  registry.set('handler', 'implement_session', () => ({ auth: 'session' }));
  // Patterns 3 and example 3: the graph's ETL nodes, bound by the stage's `handlers:` map so they do not
  // shadow the prefect ETL's own built-in extract/transform/load/verify.
  registry.set('handler', 'graph_extract', (state: State) => ({ extracted: Object.keys(state).length }));
  registry.set('handler', 'graph_transform', (state: State) => ({ transformed: Number(state.extracted ?? 0) * 2 }));
  registry.set('handler', 'graph_load', (state: State) => ({ loaded: state.transformed }));
  registry.set('handler', 'graph_verify', (state: State) => ({ verified: state.loaded === state.transformed }));
}
