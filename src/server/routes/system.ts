import { createRoute } from '@hono/zod-openapi';
import type { ServerApp, ServerContext } from '../context.js';
import { PROBLEM_TYPES } from '../problems.js';
import { HealthSchema, PROBLEMS, json } from '../schemas.js';

/** Health, the OpenAPI document, the reference page, and the pointer at `/` (open to all: no key needed). */

const health = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['system'],
  summary: 'Liveness and what the server runs with (no key needed)',
  responses: { 200: json(HealthSchema, 'The server is up'), 500: PROBLEMS[500] },
});

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

export function openApiDocument(app: ServerApp, version: string): Record<string, unknown> {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Switchyard API',
      version,
      description: 'Run AI pipelines whose stages go to agno, langgraph, llamaindex and prefect. Errors are application/problem+json (RFC 9457).',
    },
    tags: [
      { name: 'runs', description: 'Start runs, follow their events, decide approvals' },
      { name: 'pipelines', description: 'The registered pipelines, and validation' },
      { name: 'schedules', description: 'Cron and interval schedules' },
      { name: 'selector', description: 'Which engine fits a task' },
      { name: 'system', description: 'Health and documents' },
    ],
  }) as unknown as Record<string, unknown>;
}

export function systemRoutes(app: ServerApp, context: ServerContext): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key from SWITCHYARD_API_KEYS or --key-file' });

  app.openapi(health, (c) =>
    c.json(
      {
        status: 'ok' as const,
        version: context.version,
        auth: context.keys.size > 0 ? ('api-key' as const) : ('none' as const),
        pipelines: context.catalog.size,
        runsInFlight: context.runs.inFlight,
        maxRunsInFlight: context.maxRunsInFlight,
        scheduler: context.scheduler !== undefined,
      },
      200,
    ),
  );

  let document: Record<string, unknown> | undefined;
  app.get(OPENAPI_PATH, (c) => c.json((document ??= openApiDocument(app, context.version)), 200));

  let page: string | undefined;
  app.get(DOCS_PATH, (c) => {
    page ??= docsPage((document ??= openApiDocument(app, context.version)));
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(page);
  });
}

/** What `/` answers until something else (the dashboard) takes it: where the API and its docs are. */
export function rootPointer(version: string): Record<string, unknown> {
  return { name: 'switchyard', version, docs: DOCS_PATH, openapi: OPENAPI_PATH, health: '/api/health' };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A self-contained reference page: every route from the OpenAPI document, auth, limits and the problem types. */
function docsPage(document: Record<string, unknown>): string {
  const paths = (document.paths ?? {}) as Record<string, Record<string, { summary?: string; description?: string; tags?: string[]; security?: unknown[] }>>;
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const open = !op.security || op.security.length === 0;
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary ?? '')}${op.description ? `<br><small>${escape(op.description)}</small>` : ''}</td><td>${open ? 'open' : 'key'}</td></tr>`,
      );
    }
  }
  const problemRows = Object.entries(PROBLEM_TYPES).map(([slug, title]) => `<tr id="problem-${slug}"><td><code>${slug}</code></td><td>${escape(title)}</td></tr>`);
  const info = document.info as { title: string; version: string; description?: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}code{font:13px ui-monospace,monospace}small{color:#555}</style>
</head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${escape(info.description ?? '')} The machine-readable description is <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI 3.1).</p>
<p>Routes marked <em>key</em> need <code>Authorization: Bearer &lt;key&gt;</code> when the server has API keys. Bodies are JSON, at most the server's body limit (413 beyond);
each key has a rate limit and the server a cap on runs in flight (429 with <code>Retry-After</code>).</p>
<h2>Routes</h2>
<table><tr><th>method</th><th>path</th><th>what</th><th>auth</th></tr>
${rows.join('\n')}
</table>
<h2>Problem types</h2>
<p>Errors are <code>application/problem+json</code> (RFC 9457): <code>type</code> is one of these (<code>${DOCS_PATH}#problem-&lt;slug&gt;</code>), with <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>, and <code>issues</code> naming each bad path.</p>
<table><tr><th>slug</th><th>title</th></tr>
${problemRows.join('\n')}
</table>
</body></html>
`;
}
