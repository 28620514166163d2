import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceRegistry, StageContext } from 'switchyard';
import { FunctionAgent } from 'switchyard/agno';

interface TestReport {
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly string[];
}

interface ReleaseState {
  readonly test_results: TestReport;
  readonly environment: string;
  readonly version?: string;
  readonly review?: { readonly verdict: string; readonly notes: string };
}

/** A tiny real test suite so the example needs no model: the `tester` agent runs it. */
const suite: Record<string, () => boolean> = {
  'slugify lowercases': () => slugify('Hello World') === 'hello-world',
  'slugify trims dashes': () => slugify('  --a b--  ') === 'a-b',
  'semver bump patch': () => bumpPatch('1.4.2') === '1.4.3',
};

function slugify(text: string): string {
  return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function bumpPatch(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

/** Registers the `tester` agent and the graph's `review` and `deploy` nodes (the `approve` node needs no handler). */
export default function register(registry: ResourceRegistry): void {
  registry.set(
    'agent',
    'tester',
    new FunctionAgent<unknown, TestReport>({
      name: 'tester',
      role: 'runs the test suite',
      executor: () => {
        const failures = Object.entries(suite).filter(([, test]) => !test()).map(([name]) => name);
        return { passed: Object.keys(suite).length - failures.length, failed: failures.length, failures };
      },
    }),
  );

  registry.set('handler', 'review', (state: ReleaseState) => {
    const { passed, failed } = state.test_results;
    return {
      review: failed === 0 ? { verdict: 'ready', notes: `${passed} tests passed` } : { verdict: 'blocked', notes: `${failed} failing: ${state.test_results.failures.join(', ')}` },
    };
  });

  // Runs only after approval, possibly in another process: records the deployment under the switchyard home.
  registry.set('handler', 'deploy', async (state: ReleaseState, context: StageContext) => {
    const version = state.version ?? '0.0.1';
    await mkdir(context.home, { recursive: true });
    await appendFile(join(context.home, 'deployments.log'), `${new Date().toISOString()} ${state.environment} ${version} run=${context.runId}\n`);
    return { deployed: { environment: state.environment, version } };
  });
}
