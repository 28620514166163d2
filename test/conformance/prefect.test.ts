import { Resources } from 'switchyard';
import type { DagNodeInput } from 'switchyard/prefect';
import { describeAdapterConformance } from 'switchyard/adapter-kit/conformance';

describeAdapterConformance('prefect', async () => (await import('switchyard/prefect')).createAdapter(), {
  validTask: {
    workflow: {
      nodes: [
        'extract',
        { id: 'transform', dependsOn: ['extract'], handler: (input: DagNodeInput) => (input.deps.extract as number[]).map((n) => n * 2) },
        { id: 'load', dependsOn: ['transform'], handler: async (input: DagNodeInput) => ({ loaded: (input.deps.transform as number[]).length }) },
      ],
    },
  },
  invalidTask: { workflow: { nodes: [] } },
  slowTask: {
    workflow: {
      nodes: [{ id: 'slow', handler: () => new Promise((resolve) => setTimeout(resolve, 5000).unref()) }],
    },
  },
  input: { day: '2026-01-01' },
  resources: () => {
    const resources = new Resources();
    resources.set('handler', 'extract', () => [1, 2, 3]);
    return resources;
  },
});
