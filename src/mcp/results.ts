import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { issueLines, toSwitchyardError } from '../errors.js';

/**
 * A tool's answer: the structured content (the value as JSON, parsed through the tool's output schema so it holds
 * exactly what the schema lists) and the same as text for clients that read only text: a summary line, then JSON.
 */
export function toolResult<S extends z.ZodType>(schema: S, value: unknown, summary: string): CallToolResult {
  const structured = schema.parse(asJson(value)) as Record<string, unknown>;
  return { structuredContent: structured, content: [{ type: 'text', text: `${summary}\n${JSON.stringify(structured, null, 2)}` }] };
}

/**
 * A tool error (`isError: true`): the error's code and its message naming the path, with one line per issue when
 * there are several, never a stack trace. Anything that is not a switchyard error is reported as INTERNAL.
 */
export function toolError(thrown: unknown): CallToolResult {
  const error = toSwitchyardError(thrown, 'INTERNAL');
  const text = error.issues.length <= 1 ? error.message : [error.message.split('\n')[0], ...issueLines(error.issues)].join('\n');
  return { isError: true, content: [{ type: 'text', text: `${error.code}: ${text}` }] };
}

/** Runs a tool's body; whatever it throws becomes a tool error. */
export async function answer(body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return toolError(error);
  }
}

/** The value as JSON would carry it: functions and undefined dropped, dates as strings. */
function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
