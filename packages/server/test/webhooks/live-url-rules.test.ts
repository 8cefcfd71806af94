import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, startServer } from '../../src/index.js';
import { classifyAddress, describeAddress } from '../../src/webhooks/ssrf.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

describe('special-purpose addresses (IANA registries)', () => {
  it.each([
    ['0.1.2.3', 'reserved'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['192.168.0.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.254', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'reserved'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a00:1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['100::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['2002:5db8:d70e::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '198.20.0.1', '192.0.3.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (ip) => {
      expect(classifyAddress(ip)).toBe('public');
    },
  );

  it('names the block an address falls in', () => {
    expect(describeAddress('198.51.100.7')).toEqual({ kind: 'reserved', block: 'documentation, TEST-NET-2' });
    expect(describeAddress('2001::1')).toEqual({ kind: 'reserved', block: 'Teredo' });
    expect(describeAddress('2002:7f00:1::')).toEqual({ kind: 'reserved', block: '6to4' });
  });
});

describe('live mode', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_SANDBOX: 'false' });
  });
  afterAll(() => s.close());

  it.each([
    ['http://93.184.215.14/x', 'must be an https URL'],
    ['https://[64:ff9b::7f00:1]/x', 'loopback'],
    ['https://[64:ff9b:1::a00:1]/x', 'local-use NAT64'],
    ['https://[2002:7f00:1::]/x', '6to4'],
    ['https://[::127.0.0.1]/x', 'IPv4-compatible'],
    ['https://[::ffff:127.0.0.1]/x', 'loopback'],
    ['https://198.18.0.1/x', 'benchmarking'],
    ['https://192.0.2.1/x', 'TEST-NET-1'],
    ['https://198.51.100.7/x', 'TEST-NET-2'],
    ['https://203.0.113.9/x', 'TEST-NET-3'],
    ['https://192.0.0.8/x', 'IETF protocol assignments'],
    ['https://192.88.99.1/x', '6to4 relay'],
    ['https://100.64.0.1/x', 'shared address space'],
    ['https://255.255.255.255/x', 'broadcast'],
    ['https://[2001::1]/x', 'Teredo'],
    ['https://[2001:db8::1]/x', 'documentation'],
    ['https://[100::1]/x', 'discard-only'],
    ['https://[ff02::1]/x', 'multicast'],
  ])('refuses %s (%s), as an endpoint and as a callback_url', async (url, why) => {
    const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url, events: ['*'] } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_request', field: 'url' });
    expect(r.body.error.message).toContain(why);
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10, { callback_url: url }) });
    expect(spend.status).toBe(400);
    expect(spend.body.error).toMatchObject({ code: 'invalid_request', field: 'callback_url' });
  });

  it('accepts https to a public address, a NAT64 one included', async () => {
    for (const url of ['https://93.184.215.14/x', 'https://[64:ff9b::5db8:d70e]/x']) {
      const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url, events: ['*'] } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });

  it('refuses an http URL even with BURSAR_WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const p = await startTestServer({ BURSAR_SANDBOX: 'false', BURSAR_WEBHOOK_ALLOW_PRIVATE: 'true' });
    try {
      const http = await api(p.url, 'POST', '/v1/webhooks', { key: p.mgmt, body: { url: 'http://10.0.0.8/x', events: ['*'] } });
      expect(http.status).toBe(400);
      expect(http.body.error.message).toContain('https');
      const https = await api(p.url, 'POST', '/v1/webhooks', { key: p.mgmt, body: { url: 'https://10.0.0.8/x', events: ['*'] } });
      expect(https.status).toBe(201);
    } finally {
      await p.close();
    }
  });
});

describe('a data dir started in sandbox, then served with BURSAR_SANDBOX=false', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('gives its test keys live rules: no loopback, no http, for endpoints and callbacks alike', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bursar-test-'));
    dirs.push(dataDir);
    const quiet = new Writable({ write: (_c, _e, cb) => cb() });
    const env = (sandbox: string) =>
      parseEnv({ PORT: '0', BURSAR_DATA_DIR: dataDir, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_AUTH_FAILURE_LIMIT: '0', BURSAR_SANDBOX: sandbox, BURSAR_LOG_LEVEL: 'silent' });
    const first = await startServer(env('true'), { logDestination: quiet });
    const { managementKey: mgmt, spendingKey: spend } = first.provisioned!;
    expect(mgmt).toMatch(/^bmk_test_/);
    await first.close();

    const live = await startServer(env('false'), { logDestination: quiet });
    try {
      expect(live.provisioned).toBeNull();
      // The test key still signs in (only live keys are refused, and only by a sandbox server)...
      expect((await api(live.url, 'GET', '/v1/webhooks', { key: mgmt })).status).toBe(200);
      // ...but what it may register is what a live key may.
      for (const url of ['http://127.0.0.1:9/x', 'https://127.0.0.1:9/x', 'https://[::1]:9/x', 'http://93.184.215.14/x']) {
        const r = await api(live.url, 'POST', '/v1/webhooks', { key: mgmt, body: { url, events: ['*'] } });
        expect(r.status, url).toBe(400);
        const cb = await api(live.url, 'POST', '/v1/spend-requests', { key: spend, body: spendBody(10, { callback_url: url }) });
        expect(cb.status, url).toBe(400);
        expect(cb.body.error.field).toBe('callback_url');
      }
    } finally {
      await live.close();
    }
  });
});
