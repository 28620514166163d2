import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { SwitchyardError } from '../errors.js';

/** Serves a hono app on a TCP port with `@hono/node-server`. */

export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port (read it from the result). */
  readonly port: number;
}

export interface Listening {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Stops accepting connections; idle keep-alive connections close at once, the rest once their answer is sent (or after `forceAfterMs`). */
  close(forceAfterMs?: number): Promise<void>;
}

export function listen(app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> }, options: ListenOptions): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the address is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new SwitchyardError('INVALID_INPUT', `--port ${options.port}: cannot listen on ${options.host}:${options.port} (${why})`, { path: '--port', got: options.port, cause: error }));
    });
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const host = address.address;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      resolve({
        host,
        port: address.port,
        url,
        close: (forceAfterMs = 5000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), forceAfterMs);
            timer.unref();
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
