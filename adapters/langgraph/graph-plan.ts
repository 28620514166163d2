import { SwitchyardError } from 'switchyard/adapter-kit';
import type { ResourceRegistry } from 'switchyard/adapter-kit';
import type { Binding, LanggraphTask, RetrySpec, RouteSpec, ShowSpec } from './task-schema.js';

/** LangGraph's own names for the entry and exit; `start`/`end` in specs map to these. */
export const START_NODE = '__start__';
export const END_NODE = '__end__';

const RESERVED = new Set(['start', 'end', START_NODE, END_NODE]);

export interface PlannedNode {
  readonly name: string;
  /** Path of the node in the task, for error messages. */
  readonly path: string;
  readonly binding: Binding | undefined;
  /** Set when the node is an approval point. */
  readonly approval: { readonly message?: string; readonly show?: ShowSpec } | undefined;
  readonly retry: RetrySpec | undefined;
  readonly timeoutMs: number | undefined;
}

export interface PlannedRoute {
  readonly from: string;
  readonly path: string;
  /** The user's route, or `undefined` for an approval node's implicit route (approved -> next, rejected -> end). */
  readonly route: RouteSpec | undefined;
  /** Where an approval node's implicit route goes when approved. */
  readonly next: string;
}

/** A workflow spec with edges, routes and bindings resolved: everything the builder needs, nothing engine-specific. */
export interface GraphPlan {
  readonly nodes: readonly PlannedNode[];
  readonly edges: readonly (readonly [string, string])[];
  readonly routes: readonly PlannedRoute[];
}

const endpoint = (name: string): string => (name === 'start' ? START_NODE : name === 'end' ? END_NODE : name);

function fail(path: string, message: string, got?: unknown): never {
  throw new SwitchyardError('INVALID_PIPELINE', `${path}: ${message}`, { path, expected: message, got });
}

/**
 * Resolves a workflow spec into a plan: node bindings (node spec, `task.handlers`, or a registered handler or
 * agent named like the node), approval points, edges (list order unless given) and routes.
 * Throws a SwitchyardError naming the path on any structural mistake or unbound node.
 */
export function planGraph(task: LanggraphTask, resources: ResourceRegistry, path: string): GraphPlan {
  const workflow = task.workflow;
  if (!workflow) fail(`${path}.workflow`, 'expected a workflow spec');
  const approveList = new Set(workflow.approve ?? []);
  const seen = new Set<string>();
  const nodes: PlannedNode[] = [];
  workflow.nodes.forEach((spec, index) => {
    const nodePath = `${path}.workflow.nodes[${index}]`;
    const node = typeof spec === 'string' ? { name: spec } : spec;
    if (RESERVED.has(node.name)) fail(nodePath, `expected a node name other than start/end`, node.name);
    if (seen.has(node.name)) fail(nodePath, `expected unique node names; "${node.name}" appears twice`, node.name);
    seen.add(node.name);
    const approveSpec = 'approve' in node ? node.approve : undefined;
    const isApproval = approveSpec !== undefined ? approveSpec !== false : approveList.has(node.name) || node.name === 'approve';
    // without one, the message names the node and the stage when the node runs (see approvalMessage)
    const message = (typeof approveSpec === 'object' ? approveSpec.message : undefined) ?? task.approvalMessage;
    const show = typeof approveSpec === 'object' ? approveSpec.show : undefined;
    const binding = ('handler' in node ? node.handler : undefined) ?? task.handlers?.[node.name] ?? registeredBinding(node.name, resources);
    if (binding === undefined && !isApproval) {
      const known = [...resources.names('handler'), ...resources.names('agent')];
      fail(
        nodePath,
        `node "${node.name}" has no handler: give it one in the node spec ({ name, handler }), in task.handlers.${node.name}, or register a handler or agent named "${node.name}" (registered: ${known.length ? known.join(', ') : 'none'})`,
        node.name,
      );
    }
    nodes.push({
      name: node.name,
      path: nodePath,
      binding,
      approval: isApproval ? { ...(message === undefined ? {} : { message }), ...(show === undefined ? {} : { show }) } : undefined,
      retry: ('retry' in node ? node.retry : undefined) ?? task.retry,
      timeoutMs: ('timeoutMs' in node ? node.timeoutMs : undefined) ?? task.nodeTimeoutMs,
    });
  });

  for (const name of approveList) if (!seen.has(name)) fail(`${path}.workflow.approve`, `expected names of nodes in workflow.nodes; "${name}" is not one`, name);
  for (const name of Object.keys(task.handlers ?? {})) if (!seen.has(name)) fail(`${path}.handlers.${name}`, `expected a node of workflow.nodes (${[...seen].join(', ')})`, name);
  const conditional = workflow.conditional ?? {};
  for (const name of Object.keys(conditional)) if (!seen.has(name)) fail(`${path}.workflow.conditional.${name}`, `expected a node of workflow.nodes (${[...seen].join(', ')})`, name);

  const names = nodes.map((node) => node.name);
  const edges: (readonly [string, string])[] = [];
  if (workflow.edges) {
    workflow.edges.forEach((edge, index) => {
      const [from, to] = Array.isArray(edge) ? edge : [edge.from, edge.to];
      const edgePath = `${path}.workflow.edges[${index}]`;
      if (from === 'end' || (from !== 'start' && !seen.has(from))) fail(edgePath, `expected "from" to be "start" or a node (${names.join(', ')})`, from);
      if (to === 'start' || (to !== 'end' && !seen.has(to))) fail(edgePath, `expected "to" to be "end" or a node (${names.join(', ')})`, to);
      edges.push([endpoint(from), endpoint(to)]);
    });
    if (!edges.some(([from]) => from === START_NODE)) edges.unshift([START_NODE, names[0]!]);
  } else {
    edges.push([START_NODE, names[0]!]);
  }

  const routes: PlannedRoute[] = [];
  nodes.forEach((node, index) => {
    const route = conditional[node.name];
    const outgoing = edges.filter(([from]) => from === node.name);
    const sequentialNext = workflow.edges ? (outgoing.length === 1 ? outgoing[0]![1] : undefined) : (names[index + 1] ?? END_NODE);
    if (route !== undefined) {
      routes.push({ from: node.name, path: `${path}.workflow.conditional.${node.name}`, route, next: sequentialNext ?? END_NODE });
      return;
    }
    if (node.approval && sequentialNext !== undefined) {
      // A rejected approval stops the graph unless the spec routes it itself.
      if (workflow.edges) edges.splice(edges.indexOf(outgoing[0]!), 1);
      routes.push({ from: node.name, path: `${node.path}`, route: undefined, next: sequentialNext });
      return;
    }
    if (!workflow.edges) edges.push([node.name, sequentialNext ?? END_NODE]);
    else if (outgoing.length === 0) edges.push([node.name, END_NODE]);
  });
  return { nodes, edges, routes };
}

function registeredBinding(name: string, resources: ResourceRegistry): string | undefined {
  return resources.has('handler', name) || resources.has('agent', name) ? name : undefined;
}
