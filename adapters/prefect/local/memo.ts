import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { Handler, HandlerBinding, StageMemo } from 'switchyard/adapter-kit';
import type { CompiledDag } from './compile.js';

/**
 * Completed nodes kept in the stage's memo (`context.memo`), so a retry of the stage or a resume of the run runs
 * only the nodes that had not completed. A node's key is its id and a digest of its definition (id, handler name
 * and source text, dependencies, plus what the adapter adds) and of its input (the stage input and its
 * dependencies' outputs): a changed pipeline or a changed input never reuses a stale output.
 */
export interface DagMemo {
  readonly memo: StageMemo;
  /** A digest of each node's definition, by node index (`nodeDefinitions`). */
  readonly definitions: readonly string[];
}

/** What is kept per completed node: its output under `output` (absent for undefined). */
interface SavedNode {
  readonly output?: unknown;
}

const MAX_DEPTH = 256;

/** Digests of the nodes' definitions: id, handler (binding and source text), dependencies, and `salt` (adapter settings a node's output depends on). */
export function nodeDefinitions(dag: CompiledDag, handlers: readonly Handler[], salt = ''): readonly string[] {
  // the same DAG run again with the same handlers (a retry, the next run) has the same definitions
  const cached = definitionCache.get(dag);
  if (cached && cached.salt === salt && cached.handlers.length === handlers.length && cached.handlers.every((h, i) => h === handlers[i])) return cached.definitions;
  const definitions = dag.ids.map((id, i) => {
    const deps: string[] = [];
    for (let k = dag.depStart[i]!; k < dag.depStart[i + 1]!; k++) deps.push(dag.ids[dag.depList[k]!]!);
    return digest(JSON.stringify([id, describeBinding(dag.bindings[i] ?? id), String(handlers[i]), deps, salt]));
  });
  definitionCache.set(dag, { handlers: [...handlers], salt, definitions });
  return definitions;
}

const definitionCache = new WeakMap<CompiledDag, { readonly handlers: readonly Handler[]; readonly salt: string; readonly definitions: readonly string[] }>();

function describeBinding(binding: HandlerBinding): string {
  if (typeof binding === 'string') return `name:${binding}`;
  if (typeof binding === 'function') return 'function';
  return `agent:${binding.name}`;
}

/** One DAG run's view of the memo: the keys, the digests of the outputs, the writes in flight. */
export class NodeMemo {
  readonly #dag: CompiledDag;
  readonly #memo: StageMemo;
  readonly #definitions: readonly string[];
  readonly #saved: ReadonlyMap<string, unknown>;
  /** undefined when the stage input is not JSON: then no node is memoized. */
  readonly #input: string | undefined;
  readonly #outputs: (string | undefined)[];
  readonly #keys: (string | undefined)[];
  readonly #writes: Promise<void>[] = [];
  readonly #onWriteError: (node: string, error: unknown) => void;
  #warned = false;

  /** `onWriteError`: called once, for the first write that failed (the node then runs again on a retry). */
  constructor(dag: CompiledDag, memo: DagMemo, saved: ReadonlyMap<string, unknown>, input: unknown, onWriteError: (node: string, error: unknown) => void) {
    this.#dag = dag;
    this.#onWriteError = onWriteError;
    this.#memo = memo.memo;
    this.#definitions = memo.definitions;
    this.#saved = saved;
    const text = jsonText(input);
    this.#input = text === undefined ? undefined : digest(text);
    this.#outputs = new Array<string | undefined>(dag.ids.length);
    this.#keys = new Array<string | undefined>(dag.ids.length);
  }

  /** Computes node i's key (its dependencies have completed); its saved output when it completed before. */
  lookup(i: number): { readonly value: unknown } | undefined {
    const key = this.#keyOf(i);
    this.#keys[i] = key;
    if (key === undefined || !this.#saved.has(key)) return undefined;
    const saved = this.#saved.get(key);
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return undefined;
    this.#outputs[i] = outputDigest(JSON.stringify(saved));
    return { value: (saved as SavedNode).output };
  }

  /** Node i completed: keep its output when it is JSON (else it and its dependants are simply not memoized). */
  record(i: number, value: unknown): void {
    const key = this.#keys[i];
    const text = value === undefined ? '{}' : wrap(jsonText(value));
    if (text === undefined) return;
    this.#outputs[i] = outputDigest(text);
    if (key === undefined) return;
    const write = this.#memo.set(key, JSON.parse(text) as unknown).catch((error: unknown) => {
      if (!this.#warned) {
        this.#warned = true;
        this.#onWriteError(this.#dag.ids[i]!, error);
      }
    });
    this.#writes.push(write);
  }

  /** Resolves once every write started so far has ended (a stage's attempt ends after its nodes are kept). */
  settled(): Promise<void> {
    return this.#writes.length === 0 ? Promise.resolve() : Promise.all(this.#writes).then(() => undefined);
  }

  #keyOf(i: number): string | undefined {
    if (this.#input === undefined) return undefined;
    const { depStart, depList, ids } = this.#dag;
    let text = `${this.#definitions[i]}\n${this.#input}`;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) {
      const output = this.#outputs[depList[k]!];
      // a dependency whose output was not JSON ran again, so this node's input is new
      if (output === undefined) return undefined;
      text += `\n${ids[depList[k]!]}=${output}`;
    }
    return `${ids[i]}:${digest(text)}`;
  }
}

function wrap(json: string | undefined): string | undefined {
  return json === undefined ? undefined : `{"output":${json}}`;
}

// crypto.hash (Node 20.12+) is the one-shot form, about twice as fast as a Hash object for short texts
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

function digest(text: string): string {
  return oneShot ? oneShot('sha256', text, 'base64url') : createHash('sha256').update(text).digest('base64url');
}

/** What stands for an output in its dependants' keys: a short JSON text as it is, a longer one by its digest. */
function outputDigest(text: string): string {
  return text.length <= 64 ? text : `#${digest(text)}`;
}

/**
 * The JSON text of a value that JSON keeps exactly, else undefined: plain objects and arrays of strings, finite
 * numbers, booleans and null (an object's undefined members are left out, as JSON.stringify leaves them out).
 * Dates, maps, class instances, functions, bigints, NaN and infinities, undefined array items, sparse arrays, cycles
 * and very deep values are not JSON in this sense (they would come back changed).
 */
export function jsonText(value: unknown): string | undefined {
  if (value === undefined) return 'null';
  return isJson(value, 0) ? JSON.stringify(value) : undefined;
}

function isJson(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let k = 0; k < value.length; k++) if (!(k in value) || !isJson(value[k], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      if ('toJSON' in value || Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key];
        // an undefined member is left out, as JSON leaves it out: reading it gives undefined either way
        if (member !== undefined && !isJson(member, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
