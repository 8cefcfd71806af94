import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook as the receiver saw it: raw body and headers. */
export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A real HTTP receiver on loopback; `respond` decides the status of each delivery. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
  /** Resolves when `predicate` holds over what was received, or rejects after `timeoutMs`. */
  waitFor(predicate: (r: Received[]) => boolean, timeoutMs?: number): Promise<void>;
}

export async function startReceiver(
  respond: (r: Received, n: number) => number | 'hang' = () => 200,
  port = 0,
): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      const r = { body, headers: req.headers, at: Date.now() };
      received.push(r);
      const status = respond(r, received.length);
      if (status === 'hang') {
        hanging.add(() => res.destroy());
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `failing with ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/hooks`,
    port: actual,
    received,
    close() {
      for (const h of hanging) h();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > until) throw new Error(`timed out waiting; received ${received.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** A loopback port with nothing listening on it (for a receiver that is down). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
