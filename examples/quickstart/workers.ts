/**
 * The deterministic workers of the quickstart (seed 003's workers): graph nodes for the triage,
 * a function agent that writes the plan, and the DAG tasks that publish it. No model is needed.
 */
import type { ResourceRegistry } from 'switchyard';
import { FunctionAgent } from 'switchyard/agno';

type State = Record<string, unknown>;

const SEVERITY = ['low', 'medium', 'high'] as const;

/** The highest severity named in the analysed text. */
function severityOf(text: string): (typeof SEVERITY)[number] {
  const found = [...text.matchAll(/Severity:\s*(low|medium|high)/gi)].map((m) => m[1]!.toLowerCase() as (typeof SEVERITY)[number]);
  return found.sort((a, b) => SEVERITY.indexOf(b) - SEVERITY.indexOf(a))[0] ?? 'low';
}

export default function register(registry: ResourceRegistry): void {
  // ---- langgraph: triage the findings and route by severity ----
  registry.set('handler', 'assess', (state: State) => {
    const text = JSON.stringify(state.findings ?? '');
    return { severity: severityOf(text), owners: [...new Set([...text.matchAll(/Owner:\s*([a-z]+) team/gi)].map((m) => m[1]!))] };
  });
  registry.set('handler', 'hotfix', (state: State) => ({ track: 'hotfix', due: 'today', owners: state.owners }));
  registry.set('handler', 'backlog', (state: State) => ({ track: 'backlog', due: 'next sprint', owners: state.owners }));

  // ---- agno: a function agent turns the triage into a plan ----
  registry.set(
    'agent',
    'planner',
    new FunctionAgent<State, { title: string; steps: string[] }>({
      name: 'planner',
      role: 'writes a fix plan from a triage',
      executor: (triage) => ({
        title: `${String(triage.track ?? 'backlog')} plan (${String(triage.severity ?? 'low')} severity, due ${String(triage.due ?? 'later')})`,
        steps: ((triage.owners as string[] | undefined) ?? []).map((owner) => `${owner} team: apply the fix named in its incident report`),
      }),
    }),
  );

  // ---- prefect: a small DAG publishes the plan ----
  registry.set('handler', 'render', ({ input }: { input: { title: string; steps: string[] } }) =>
    [`# ${input.title}`, ...input.steps.map((step, i) => `${i + 1}. ${step}`)].join('\n'),
  );
  registry.set('handler', 'count', ({ input }: { input: { steps: string[] } }) => input.steps.length);
  registry.set('handler', 'summary', ({ deps }: { deps: Record<string, unknown> }) => ({ report: deps.render, tasks: deps.count }));
}
