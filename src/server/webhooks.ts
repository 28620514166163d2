import { createHmac, randomUUID } from 'node:crypto';
import { invalidInput } from '../errors.js';
import { HttpProblem } from './problems.js';

/**
 * Completion webhooks: `webhook: URL` on a run request; when the run's execution ends (completed, failed, partial,
 * cancelled, or waiting for approval) its result is POSTed there as JSON with
 * `X-Switchyard-Signature: sha256=<hex HMAC-SHA256 of the body>` keyed by `SWITCHYARD_WEBHOOK_SECRET`.
 * Webhooks are off until the operator sets the secret. Deliveries are retried (3 attempts, 1 s then 4 s apart) on a
 * network error or a 5xx/408/429 answer.
 */

export const WEBHOOK_SECRET_ENV = 'SWITCHYARD_WEBHOOK_SECRET';
export const SIGNATURE_HEADER = 'x-switchyard-signature';
export const WEBHOOK_ORIGINS_ENV = 'SWITCHYARD_WEBHOOK_ORIGINS';

/** `SWITCHYARD_WEBHOOK_ORIGINS` (comma-separated, e.g. `https://hooks.example.com`) as origins; each must be an http(s) origin. */
export function webhookOriginsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return (env[WEBHOOK_ORIGINS_ENV] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => {
      let origin: string | undefined;
      try {
        const url = new URL(entry);
        if (url.protocol === 'http:' || url.protocol === 'https:') origin = url.origin;
      } catch {
        // reported below
      }
      if (!origin) throw invalidInput(`${WEBHOOK_ORIGINS_ENV}[${i}]`, 'an origin such as https://hooks.example.com', entry);
      return origin;
    });
}

export interface WebhookPayload {
  readonly type: 'run.finished';
  readonly runId: string;
  readonly pipeline: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: unknown;
  readonly pendingApproval?: unknown;
  /** ISO time of the delivery's creation: with the signature, lets a receiver refuse old replays. */
  readonly at: string;
}

/** `sha256=<hex>` of the body: what a receiver recomputes with the shared secret and compares (in constant time). */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookOptions {
  readonly secret: string | undefined;
  /** Origins (`https://hooks.example.com`) webhooks may go to; empty: any http(s) URL. */
  readonly allow?: readonly string[];
  readonly log: (line: string) => void;
  readonly timeoutMs?: number;
  readonly retryDelaysMs?: readonly number[];
}

export class Webhooks {
  readonly #options: WebhookOptions;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: WebhookOptions) {
    this.#options = options;
  }

  get enabled(): boolean {
    return Boolean(this.#options.secret);
  }

  /** Checks a requested webhook URL: a 400 problem naming `webhook` when off, malformed or not allowed. */
  check(url: string): string {
    if (!this.enabled) throw invalidWebhook(`webhook: expected no webhook (the operator has not set ${WEBHOOK_SECRET_ENV}, so webhooks are off)`, url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidWebhook('webhook: expected an absolute http:// or https:// URL', url);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidWebhook('webhook: expected an absolute http:// or https:// URL', url);
    if (parsed.username || parsed.password) throw invalidWebhook('webhook: expected a URL without credentials', url);
    const allow = this.#options.allow ?? [];
    if (allow.length > 0 && !allow.includes(parsed.origin)) throw invalidWebhook(`webhook: expected a URL on one of ${allow.join(', ')}`, url);
    return parsed.toString();
  }

  /** Sends the payload in the background; `drain()` waits for every delivery under way. */
  deliver(url: string, payload: WebhookPayload): void {
    const task = this.#send(url, payload).finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #send(url: string, payload: WebhookPayload): Promise<void> {
    const body = JSON.stringify(payload);
    const delivery = randomUUID();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'switchyard-webhook',
      'x-switchyard-event': payload.type,
      'x-switchyard-delivery': delivery,
      [SIGNATURE_HEADER]: signature(body, this.#options.secret!),
    };
    const delays = this.#options.retryDelaysMs ?? [1000, 4000];
    let last = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]).unref());
      try {
        const answer = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000) });
        await answer.body?.cancel().catch(() => {});
        if (answer.status < 300) return;
        last = `answered ${answer.status}`;
        if (answer.status < 500 && answer.status !== 408 && answer.status !== 429) break;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    }
    this.#options.log(`webhook for run ${payload.runId} to ${new URL(url).origin} not delivered (${last}); delivery ${delivery}`);
  }
}

function invalidWebhook(detail: string, got: string): HttpProblem {
  return new HttpProblem(400, 'invalid-request', detail, { issues: [{ path: 'webhook', message: detail, got }] });
}
