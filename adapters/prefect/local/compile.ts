import { SwitchyardError } from 'switchyard/adapter-kit';
import type { HandlerBinding } from 'switchyard/adapter-kit';
import type { DagNodeSpec, RetryOption } from '../task-schema.js';

/**
 * A DAG compiled into flat arrays so the run loop does integer work only:
 * dependencies and dependants in CSR form (offsets + one flat list), initial in-degrees.
 */
export interface CompiledDag {
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly bindings: readonly (HandlerBinding | undefined)[];
  readonly retries: readonly (RetryOption | undefined)[];
  readonly timeouts: readonly (number | undefined)[];
  /** deps of node i: depList[depStart[i] .. depStart[i+1]) */
  readonly depStart: Int32Array;
  readonly depList: Int32Array;
  /** dependants of node i: outList[outStart[i] .. outStart[i+1]) */
  readonly outStart: Int32Array;
  readonly outList: Int32Array;
  readonly indegree: Int32Array;
  readonly edges: number;
  /** Nodes nothing depends on: their outputs are the DAG's result. */
  readonly sinks: readonly number[];
  /** True when no node declared `dependsOn`, so list order made a chain. */
  readonly chainedByOrder: boolean;
}

/**
 * Checks and compiles node specs. Dependencies come from `dependsOn`; when no node declares any,
 * list order is a chain (seed 002's `nodes: ["extract", "transform", "load", "verify"]`).
 * Throws INVALID_PIPELINE naming the nodes for a duplicate id, a missing dependency or a cycle.
 */
export function compileDag(nodes: readonly DagNodeSpec[], path: string): CompiledDag {
  const n = nodes.length;
  const ids: string[] = new Array<string>(n);
  const indexOf = new Map<string, number>();
  const bindings: (HandlerBinding | undefined)[] = new Array<HandlerBinding | undefined>(n);
  const retries: (RetryOption | undefined)[] = new Array<RetryOption | undefined>(n);
  const timeouts: (number | undefined)[] = new Array<number | undefined>(n);
  let chainedByOrder = true;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    const id = typeof node === 'string' ? node : node.id;
    if (indexOf.has(id)) {
      throw invalid(`${path}[${i}]`, `a unique node id; got "${id}" again (first at ${path}[${indexOf.get(id)}])`, id);
    }
    indexOf.set(id, i);
    ids[i] = id;
    if (typeof node !== 'string') {
      bindings[i] = node.handler;
      retries[i] = node.retry;
      timeouts[i] = node.timeoutMs;
      if (node.dependsOn !== undefined) chainedByOrder = false;
    }
  }

  const depStart = new Int32Array(n + 1);
  const depBuffer: number[] = [];
  const indegree = new Int32Array(n);
  const outCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    depStart[i] = depBuffer.length;
    const node = nodes[i]!;
    if (chainedByOrder) {
      if (i > 0) depBuffer.push(i - 1);
    } else if (typeof node !== 'string' && node.dependsOn) {
      const seen = new Set<number>();
      node.dependsOn.forEach((dep, d) => {
        const j = indexOf.get(dep);
        if (j === undefined) {
          throw invalid(`${path}[${i}].dependsOn[${d}]`, `the id of a node in this workflow; node "${ids[i]}" depends on "${dep}", which does not exist`, dep);
        }
        if (j === i) throw invalid(`${path}[${i}].dependsOn[${d}]`, `another node; node "${ids[i]}" depends on itself (cycle: ${ids[i]} -> ${ids[i]})`, dep);
        if (!seen.has(j)) {
          seen.add(j);
          depBuffer.push(j);
        }
      });
    }
    indegree[i] = depBuffer.length - depStart[i]!;
  }
  depStart[n] = depBuffer.length;
  const depList = Int32Array.from(depBuffer);
  for (let k = 0; k < depList.length; k++) outCount[depList[k]!]!++;

  const outStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) outStart[i + 1] = outStart[i]! + outCount[i]!;
  const outList = new Int32Array(depList.length);
  const fill = outStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) outList[fill[depList[k]!]!++] = i;
  }

  assertAcyclic(ids, indegree, depStart, depList, outStart, outList, path);

  const sinks: number[] = [];
  for (let i = 0; i < n; i++) if (outStart[i + 1] === outStart[i]) sinks.push(i);
  return { ids, indexOf, bindings, retries, timeouts, depStart, depList, outStart, outList, indegree, edges: depList.length, sinks, chainedByOrder };
}

/** Kahn's algorithm; if some nodes never become ready, walk their dependencies to name one cycle. */
function assertAcyclic(ids: readonly string[], indegree: Int32Array, depStart: Int32Array, depList: Int32Array, outStart: Int32Array, outList: Int32Array, path: string): void {
  const n = ids.length;
  const remaining = indegree.slice();
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (remaining[i] === 0) queue[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    for (let k = outStart[i]!; k < outStart[i + 1]!; k++) {
      const j = outList[k]!;
      if (--remaining[j]! === 0) queue[tail++] = j;
    }
  }
  if (tail === n) return;
  // Every unfinished node has an unfinished dependency, so following them must revisit a node.
  let start = 0;
  while (remaining[start] === 0) start++;
  const visitedAt = new Map<number, number>();
  const walk: number[] = [];
  let current = start;
  while (!visitedAt.has(current)) {
    visitedAt.set(current, walk.length);
    walk.push(current);
    let next = -1;
    for (let k = depStart[current]!; k < depStart[current + 1]!; k++) {
      if (remaining[depList[k]!]! > 0) {
        next = depList[k]!;
        break;
      }
    }
    current = next;
  }
  // walk follows "depends on"; print the cycle in execution order (dependency first).
  const loop = walk.slice(visitedAt.get(current)).reverse();
  const first = loop.indexOf(Math.min(...loop));
  const cycle = [...loop.slice(first), ...loop.slice(0, first)].map((i) => ids[i]!);
  const text = [...cycle, cycle[0]].join(' -> ');
  throw new SwitchyardError('INVALID_PIPELINE', `${path}: expected an acyclic graph; found the cycle ${text}`, {
    path,
    expected: 'an acyclic graph',
    got: cycle,
    details: { cycle },
  });
}

function invalid(path: string, expected: string, got: unknown): SwitchyardError {
  return new SwitchyardError('INVALID_PIPELINE', `${path}: expected ${expected}`, { path, expected, got });
}
