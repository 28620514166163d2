import type { StageContext } from 'switchyard/adapter-kit';
import type { AnswerRecord } from './rag-events.js';
import { runRagWorkflow, type RagRunResult } from './rag-workflow.js';
import { resolveSettings, type LlamaindexAdapterOptions } from './settings.js';
import type { LlamaindexTask } from './task-schema.js';
import { resolveWorkflow, runUserWorkflow } from './user-workflow.js';

/** Runs one validated task; loaded lazily by the adapter so validation never loads the engine. */
export async function executeTask(task: LlamaindexTask, context: StageContext, options: LlamaindexAdapterOptions): Promise<unknown> {
  if (task.type === 'workflow') {
    const descriptor = await resolveWorkflow(task.workflow, context.resources);
    return runUserWorkflow(descriptor, task.input === undefined ? context.input : task.input, context, task.timeoutMs);
  }
  const settings = resolveSettings(task, options);
  const run = (request: Parameters<typeof runRagWorkflow>[0]) =>
    runRagWorkflow(request, { settings, stage: context, ...(options.progressEvery ? { progressEvery: options.progressEvery } : {}) });
  switch (task.type) {
    case 'ingest': {
      const result = await run({ docs: task.docs, index: task.index, questions: [], noQuestions: 'ingest', prune: task.prune ?? true });
      return { type: 'ingest', index: result.index, stats: result.stats, documents: result.documents, retriever: retrieverOf(settings), problems: result.problems };
    }
    case 'query': {
      const result = await run({ index: task.index, questions: [task.query], noQuestions: 'ingest' });
      return answerOutput('query', result, task.query);
    }
    case 'rag_workflow': {
      const result = await run({ ...(task.docs ? { docs: task.docs } : {}), ...(task.index ? { index: task.index } : {}), questions: [task.query], noQuestions: 'ingest' });
      return answerOutput('rag_workflow', result, task.query);
    }
    case 'document_analysis': {
      const questions = task.questions ?? [];
      const result = await run({ docs: task.docs, questions, noQuestions: 'summarize' });
      return {
        type: 'document_analysis',
        documents: result.documents,
        ...(questions.length > 0 ? { answers: result.answers.map(answerView) } : { summaries: result.summaries }),
        problems: result.problems,
      };
    }
  }
}

function retrieverOf(settings: ReturnType<typeof resolveSettings>): string {
  return settings.embeddings && settings.retriever !== 'lexical' ? 'hybrid' : 'lexical';
}

function answerView(record: AnswerRecord) {
  return { question: record.question, retriever: record.retriever, answer: record.answer, passages: record.passages };
}

function answerOutput(type: 'query' | 'rag_workflow', result: RagRunResult, query: string) {
  const record = result.answers[0];
  return {
    type,
    query,
    ...(record ? { answer: record.answer, retriever: record.retriever, passages: record.passages } : {}),
    ...(result.index ? { index: result.index } : {}),
    ...(result.documents.length ? { documents: result.documents } : {}),
    problems: result.problems,
  };
}
