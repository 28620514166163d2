import type { MiddlewareHandler } from 'hono';
import type { AuthVariables } from './auth.js';
import { HttpProblem, problems } from './problems.js';

/** Request limits: body size (413), a token bucket per API key (429 with Retry-After). */

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface RateLimit {
  /** Tokens added per second: the sustained requests per second of one key. */
  readonly perSecond: number;
  /** Bucket size: how many requests one key may send at once after a quiet spell. */
  readonly burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 40 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** One token bucket per principal; buckets full again (idle long enough) are forgotten. */
export class TokenBuckets {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('rate limit: perSecond must be > 0 and burst >= 1');
    this.#limit = limit;
    this.#now = now;
  }

  /** Takes one token: 0 when granted, else the seconds until one is available. */
  take(principal: string): number {
    const now = this.#now();
    const { perSecond, burst } = this.#limit;
    let bucket = this.#buckets.get(principal);
    if (!bucket) {
      if (this.#buckets.size >= 10_000) this.#prune(now);
      bucket = { tokens: burst, updatedAt: now };
      this.#buckets.set(principal, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / perSecond;
  }

  #prune(now: number): void {
    const full = (this.#limit.burst / this.#limit.perSecond) * 1000;
    for (const [key, bucket] of this.#buckets) if (now - bucket.updatedAt >= full) this.#buckets.delete(key);
  }
}

/** 429 `rate-limited` problem with Retry-After once a key has used its bucket. */
export function rateLimit<E extends { Variables: AuthVariables } = { Variables: AuthVariables }>(limit: RateLimit): MiddlewareHandler<E> {
  const buckets = new TokenBuckets(limit);
  return async (c, next) => {
    const wait = buckets.take(c.get('principal') ?? 'anonymous');
    if (wait > 0) throw problems.tooMany('rate-limited', `rate limit of ${limit.perSecond} requests per second (bursts of ${limit.burst}) exceeded; retry after the Retry-After delay`, wait);
    return next();
  };
}

/**
 * 413 `payload-too-large` problem for a body over `maxBytes`. A declared Content-Length is checked without reading;
 * a body without one (chunked) is read up to the limit and kept for the route (the raw request and hono's body cache).
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => new HttpProblem(413, 'payload-too-large', `the request body is larger than ${maxBytes} bytes`, { extensions: { maxBytes } });
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding')) {
      if (Number(declared) > maxBytes) throw tooLarge();
      return next();
    }
    const reader = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    const bytes = Buffer.concat(chunks, size);
    // Routes that read the raw request (mounted handlers) still find the body; hono's own readers use the cache.
    c.req.raw = new Request(raw, { body: bytes });
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    cache.text = Promise.resolve(bytes.toString('utf8'));
    return next();
  };
}
