import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pinnedLookup } from '../../src/webhooks/ssrf.js';
import { api, spendBody, startTestServer } from '../helpers/server.js';

/**
 * A rebinding name server: `localhost` answers from `script` one lookup at a time (a public
 * address, say), then 127.0.0.1 once the script runs out, as an attacker's zero-TTL record would.
 * Only the server's own resolver is scripted; anything resolving past it (as `fetch` did) gets
 * the real answer for localhost, which is loopback too.
 */
const dns = vi.hoisted(() => ({ script: [] as string[], asked: 0 }));
vi.mock('node:dns/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns/promises')>();
  const lookup = (async (host: string, options: unknown) => {
    if (host !== 'localhost') return real.lookup(host, options as never);
    dns.asked += 1;
    const address = dns.script.shift() ?? '127.0.0.1';
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  }) as typeof real.lookup;
  return { ...real, lookup, default: { ...real, lookup } };
});

const PUBLIC = '93.184.215.14';

/** A TCP listener on loopback that only counts who connects (TLS or not). */
async function startListener(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.destroy();
  };
  const v4: Server = createServer(onConnection);
  await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
  const port = (v4.address() as AddressInfo).port;
  // localhost may resolve to ::1 first: listen there too when the host has IPv6.
  const v6: Server = createServer(onConnection);
  const v6Up = await new Promise<boolean>((resolve) => {
    v6.once('error', () => resolve(false));
    v6.listen(port, '::1', () => resolve(true));
  });
  return {
    port,
    connections: () => count,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => v4.close(r));
      if (v6Up) await new Promise((r) => v6.close(r));
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  dns.script = [];
  dns.asked = 0;
});

const until = async (predicate: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('DNS rebinding between the check and the send', () => {
  it.each(['endpoint', 'callback_url'])(
    'a live %s whose name passes the check, then resolves to 127.0.0.1, is never connected to',
    async (via) => {
      const listener = await startListener();
      cleanups.push(() => listener.close());
      const s = await startTestServer({ BURSAR_SANDBOX: 'false', BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.1,0.1', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '2' });
      cleanups.push(() => s.close());
      const url = `https://localhost:${listener.port}/hooks`;
      // Registration and the check before the first attempt see a public address; the lookup after them sees loopback.
      dns.script = [PUBLIC, PUBLIC];
      if (via === 'endpoint') {
        const created = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url, events: ['*'] } });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10) });
      } else {
        const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10, { callback_url: url }) });
        // Unfunded live wallet: recorded as declined, which is an event for the callback.
        expect(spend.body.error.spend_request, JSON.stringify(spend.body)).toMatchObject({ status: 'declined', callback_url: url });
      }
      const attempts = () => s.server.db.db.selectFrom('webhook_attempts').select(['error', 'attempt']).orderBy('id').execute();
      // Each event's delivery runs out its retries: every attempt is judged on its own.
      await until(async () => (await attempts()).length >= 3 || listener.connections() > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(listener.connections()).toBe(0);
      const log = await attempts();
      expect(log[0]!.error).toMatch(/^refused: url resolves to a loopback address \(127\.0\.0\.1/);
      for (const a of log) expect(a.error).toMatch(/^refused: url /);
    },
  );
});

describe('pinnedLookup', () => {
  const ask = (policy: { sandbox: boolean; allowPrivate: boolean }, options: object) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number | undefined }>((resolve) =>
      pinnedLookup(policy)('localhost', options, (err, address, family) => resolve({ err, address, family })),
    );
  const live = { sandbox: false, allowPrivate: false };

  it('refuses the connection when any address the name has is refused', async () => {
    dns.script = ['127.0.0.1'];
    const r = await ask(live, { all: true });
    expect(r.err?.message).toMatch(/loopback address \(127\.0\.0\.1/);
  });

  it('hands the connection exactly the addresses it judged', async () => {
    dns.script = [PUBLIC];
    expect(await ask(live, { all: true })).toMatchObject({ err: null, address: [{ address: PUBLIC, family: 4 }] });
    dns.script = [PUBLIC];
    expect(await ask(live, {})).toMatchObject({ err: null, address: PUBLIC, family: 4 });
    expect(dns.asked).toBe(2);
  });

  it('lets the sandbox reach loopback, and BURSAR_WEBHOOK_ALLOW_PRIVATE anything', async () => {
    dns.script = ['127.0.0.1'];
    expect(await ask({ sandbox: true, allowPrivate: false }, {})).toMatchObject({ err: null, address: '127.0.0.1' });
    dns.script = ['10.0.0.8'];
    expect((await ask({ sandbox: true, allowPrivate: false }, {})).err?.message).toMatch(/private address/);
    dns.script = ['10.0.0.8'];
    expect(await ask({ sandbox: false, allowPrivate: true }, {})).toMatchObject({ err: null, address: '10.0.0.8' });
  });
});
