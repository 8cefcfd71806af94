import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy saw. */
export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to do with a request: pass it on, pass it on and then cut the connection before answering, or answer itself. */
export type Fault = 'forward' | 'drop-response' | { status: number; headers?: Record<string, string>; body?: unknown };

/** A proxy on 127.0.0.1 in front of a real Bursar that injects faults, for retry tests. */
export interface FaultProxy {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, decide: (req: Seen, index: number) => Fault): Promise<FaultProxy> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const s: Seen = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const fault = decide(s, seen.length);
      seen.push(s);
      if (typeof fault === 'object') {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        return res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      const upstream = await fetch(target + s.path, { method: s.method, headers, body: s.body === '' ? undefined : s.body });
      const text = await upstream.text();
      if (fault === 'drop-response') {
        // The server did the work; the client never hears about it.
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
      });
      res.writeHead(upstream.status, out);
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
