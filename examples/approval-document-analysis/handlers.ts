import type { ResourceRegistry } from 'switchyard';

/** One answer of the llamaindex `document_analysis` stage (extractive offline, from a model when one is configured). */
interface Answer {
  readonly question: string;
  readonly answer: string | { readonly text: string };
}

interface AnalysisState {
  readonly answers?: readonly Answer[];
  readonly plan?: readonly { readonly requirement: string; readonly task: string }[];
}

/** Registers the graph's `review` and `implement` nodes; `approve` is an approval point and needs no handler. */
export default function register(registry: ResourceRegistry): void {
  // Turns the document analysis into a plan the approver can read.
  registry.set('handler', 'review', (state: AnalysisState) => ({
    plan: (state.answers ?? []).map((answer) => ({ requirement: answer.question, task: `Implement: ${firstSentence(typeof answer.answer === 'string' ? answer.answer : answer.answer.text)}` })),
  }));

  // Runs only after approval: here it just marks each task done; a real pipeline would hand the plan to agents.
  registry.set('handler', 'implement', (state: AnalysisState) => ({
    implemented: (state.plan ?? []).map((item) => ({ ...item, status: 'done' })),
  }));
}

function firstSentence(text: string): string {
  const sentence = (text.split(/(?<=[.!?])\s/)[0] ?? text).replace(/\s*\[\d+\]$/, '');
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}
