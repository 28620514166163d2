import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';

/**
 * Dashboard sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie, the session itself kept in this
 * process's memory (a restart signs everyone out). Each session has its own CSRF token, carried by every form in a
 * hidden field and checked on every POST. Signing in replaces the session (a new id and a new token), so an id
 * planted before sign-in is worth nothing after it.
 */

export const SESSION_COOKIE = 'sy_session';
export const CSRF_FIELD = '_csrf';

export interface Session {
  readonly id: string;
  /** Who signed in (`key-<hash>`), `anonymous` without keys; undefined before sign-in. */
  principal: string | undefined;
  readonly csrf: string;
  readonly createdAt: number;
  lastSeen: number;
  /** One message shown on the next page (the outcome of a form). */
  flash?: { readonly kind: 'ok' | 'error'; readonly text: string };
}

export interface SessionOptions {
  /** Idle time after which a session ends (default 12 h). */
  readonly idleMs?: number;
  /** Longest life of a session (default 24 h). */
  readonly maxAgeMs?: number;
  /** Most sessions kept; the least recently seen go first (default 10 000). */
  readonly maxSessions?: number;
}

const token = () => randomBytes(32).toString('base64url');
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class Sessions {
  readonly #byId = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #max: number;

  constructor(options: SessionOptions = {}) {
    this.#idleMs = options.idleMs ?? 12 * 3600_000;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    this.#max = options.maxSessions ?? 10_000;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The request's live session, or undefined. */
  get(c: Context): Session | undefined {
    const id = getCookie(c, SESSION_COOKIE);
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const session = this.#byId.get(id);
    if (!session) return undefined;
    const now = Date.now();
    if (now - session.lastSeen > this.#idleMs || now - session.createdAt > this.#maxAgeMs) {
      this.#byId.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    // Most recently seen last: eviction takes the first.
    this.#byId.delete(id);
    this.#byId.set(id, session);
    return session;
  }

  /** A new session (its cookie set on the response); `replace` ends the one it takes over. */
  create(c: Context, principal: string | undefined, replace?: Session): Session {
    if (replace) this.#byId.delete(replace.id);
    // At the cap the least recently seen go, those not signed in first: opening /login again and again
    // cannot push out people who are signed in.
    while (this.#byId.size >= this.#max) {
      let victim: string | undefined;
      for (const [id, s] of this.#byId) {
        if (s.principal === undefined) {
          victim = id;
          break;
        }
      }
      victim ??= this.#byId.keys().next().value;
      if (victim === undefined) break;
      this.#byId.delete(victim);
    }
    const now = Date.now();
    const session: Session = { id: token(), principal, csrf: token(), createdAt: now, lastSeen: now };
    this.#byId.set(session.id, session);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: Math.floor(this.#maxAgeMs / 1000),
    });
    return session;
  }

  /** The request's session, or a new one without a principal (for the sign-in form's CSRF token). */
  ensure(c: Context, principal?: string): Session {
    return this.get(c) ?? this.create(c, principal);
  }

  end(c: Context, session: Session | undefined): void {
    if (session) this.#byId.delete(session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
  }
}

/** True when `presented` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: Session | undefined, presented: unknown): boolean {
  if (!session || typeof presented !== 'string' || presented === '') return false;
  return timingSafeEqual(digest(presented), digest(session.csrf));
}

/**
 * Where to go after signing in: a path on this server only. No `//host`, no scheme, no backslash and no control
 * characters (browsers drop tabs and newlines from URLs, so `/<tab>/host` would become `//host`).
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000 || !next.startsWith('/') || next.startsWith('//')) return '/';
  for (const ch of next) if (ch.charCodeAt(0) < 0x20 || ch === '\x7f' || ch === '\\') return '/';
  return next;
}
