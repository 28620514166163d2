/**
 * The HTTP gateway (`switchyard serve`): a hono app over the library. `createServer(options)` builds it (tests call
 * `app.request()`); `listen(app, { host, port })` serves it on a port. Routes and their schemas are in ./routes and
 * ./schemas.ts; the API key middleware (reusable by routes mounted on the server) is in ./auth.ts.
 */
export { createServer } from './app.js';
export type { ServerOptions, SwitchyardServer, CloseOptions, CloseReport } from './app.js';
export type { ServerApp, ServerContext, ServerEnv, ServerVariables } from './context.js';
export { listen } from './listen.js';
export type { ListenOptions, Listening } from './listen.js';
export { API_KEYS_ENV, apiKeys, assertBindable, isLoopbackHost, loadApiKeys, requireApiKey } from './auth.js';
export type { ApiKeys, AuthVariables } from './auth.js';
export { HttpProblem, PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemOf, problemResponse } from './problems.js';
export type { ProblemBody, ProblemIssue } from './problems.js';
export { SIGNATURE_HEADER, WEBHOOK_SECRET_ENV, signature } from './webhooks.js';
export type { WebhookPayload } from './webhooks.js';
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT } from './limits.js';
export type { RateLimit } from './limits.js';
