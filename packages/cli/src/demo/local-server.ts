import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A demo server listening on a free loopback port. */
export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port; `close` also drops kept-alive connections, so it never waits on a client. */
export async function listenLocally(server: Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
