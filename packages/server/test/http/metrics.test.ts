import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/index.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, freshAgent } from './support.js';

const PROMETHEUS = 'text/plain; version=0.0.4; charset=utf-8';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `not an exposition line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const [, k, v] of m![2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[k!] = v!;
    out.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return out;
}

/** The value of the one sample named `name` whose labels include `labels` (undefined: none). */
function value(all: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}: ${found.length} samples`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

async function scrape(s: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/metrics`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('GET /metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
  });
  afterAll(() => s.close());

  it('counts requests under their route patterns and spend decisions by outcome, and shows no tenant data', async () => {
    expect((await api(s.url, 'GET', '/healthz')).status).toBe(200);
    const body = spendBody(1234, { merchant_name: 'Metrics Merchant Inc', reason: 'metrics test', metadata: { secret_note: 'do-not-leak' } });
    const first = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body, headers: { 'idempotency-key': 'metrics-1' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('approved');
    // The same key again: a replay, answered but not decided twice.
    const replay = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body, headers: { 'idempotency-key': 'metrics-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const strict = await freshAgent(s, { max_single_amount_cents: 100 }, 'metrics-strict');
    const declined = await api(s.url, 'POST', '/v1/spend', { key: strict.key, body: spendBody(5000) });
    expect(declined.body.status).toBe('declined');
    expect((await api(s.url, 'GET', `/v1/spend-requests/${first.body.id}`, { key: s.spend })).status).toBe(200);
    expect((await api(s.url, 'GET', `/v1/agents/${s.agentId}`, { key: s.mgmt })).status).toBe(200);
    expect((await api(s.url, 'GET', `/v1/no-such-thing/${s.agentId}`, { key: s.mgmt })).status).toBe(404);

    const res = await scrape(s);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROMETHEUS);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const all = samples(res.text);
    const requests = (method: string, route: string, status: string) => value(all, 'bursar_http_requests_total', { method, route, status });

    expect(requests('GET', '/healthz', '200')).toBe(1);
    expect(requests('POST', '/v1/spend-requests', '200')).toBe(2);
    expect(requests('POST', '/v1/spend', '200')).toBe(1);
    expect(requests('GET', '/v1/spend-requests/:id', '200')).toBe(1);
    expect(requests('GET', '/v1/agents/:id', '200')).toBe(1);
    expect(requests('GET', 'unmatched', '404')).toBe(1);
    expect(value(all, 'bursar_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' })).toBe(1);
    expect(value(all, 'bursar_http_request_duration_seconds_bucket', { method: 'GET', route: '/healthz', le: '+Inf' })).toBe(1);
    expect(value(all, 'bursar_http_request_duration_seconds_sum', { method: 'POST', route: '/v1/spend-requests' })).toBeGreaterThan(0);
    expect(value(all, 'bursar_build_info', { version: '0.1.0' })).toBe(1);
    expect(value(all, 'bursar_spend_decisions_total', { outcome: 'approved' })).toBe(1);
    expect(value(all, 'bursar_spend_decisions_total', { outcome: 'declined' })).toBe(1);
    // Process and Node.js metrics, under the bursar_ prefix.
    expect(value(all, 'bursar_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(all, 'bursar_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(all.every((x) => x.name.startsWith('bursar_')), 'every metric is prefixed bursar_').toBe(true);

    // Route labels are patterns: never a raw path, an id or a query.
    for (const x of all.filter((y) => y.labels.route !== undefined)) {
      expect(x.labels.route, JSON.stringify(x)).toMatch(/^(unmatched|\/[A-Za-z0-9_./:*-]*)$/);
      expect(x.labels.route).not.toMatch(/[a-z]+_[0-9a-z]{20,}/);
    }
    // Nothing of a tenant's: keys, ids, merchants, metadata, amounts.
    const agent = (await api(s.url, 'GET', `/v1/agents/${s.agentId}`, { key: s.mgmt })).body;
    const secrets = [s.mgmt, s.spend, strict.key, s.agentId, s.policyId, s.walletId, strict.agentId, strict.keyId, first.body.id, declined.body.id, agent.workspace_id];
    for (const secret of secrets.filter(Boolean)) expect(res.text, `the metrics show ${secret}`).not.toContain(secret);
    for (const text of ['Metrics Merchant', 'do-not-leak', 'metrics test', 'metrics-1', 'no-such-thing']) expect(res.text).not.toContain(text);
    for (const x of all) for (const v of Object.values(x.labels)) expect(v, JSON.stringify(x)).not.toMatch(/1234|5000/);
    expect(res.text).not.toMatch(/\b(bmk|bsk)_(test|live)_/);
    expect(res.text).not.toMatch(/\b(agt|pol|wal|req|ws|key|rid|apr)_[0-9a-z]{20,}/);
  });

  it('is public like /healthz: any credential or none gets the same answer', async () => {
    for (const headers of [{}, { authorization: `Bearer ${s.mgmt}` }, { authorization: 'Bearer not-a-key' }, { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const res = await scrape(s, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.text).toContain('bursar_http_requests_total');
    }
  });

  it('counts its own scrapes under /metrics', async () => {
    await scrape(s);
    const all = samples((await scrape(s)).text);
    expect(value(all, 'bursar_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(2);
  });

  it('is documented in /openapi.json as text, without bearer security', async () => {
    const doc = (await api(s.url, 'GET', '/openapi.json')).body;
    const op = doc.paths['/metrics'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual([PROMETHEUS]);
    expect(op.security).toEqual([]);
  });
});

describe('GET /metrics with BURSAR_METRICS=off', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_METRICS: 'off' });
  });
  afterAll(() => s.close());

  it('answers 404 like a route that does not exist, with or without a key', async () => {
    expectError(await api(s.url, 'GET', '/metrics'), 404, 'not_found');
    expectError(await api(s.url, 'GET', '/metrics', { key: s.mgmt }), 404, 'not_found');
    expect((await api(s.url, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('GET /metrics with BURSAR_METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789abcdef';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_METRICS_TOKEN: token });
  });
  afterAll(() => s.close());

  it('refuses a scrape without the token, or with any other credential, with a 401 envelope', async () => {
    for (const headers of [
      {},
      { authorization: `Bearer ${token}x` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: 'Bearer ' },
      { authorization: `Basic ${Buffer.from(`scrape:${token}`).toString('base64')}` },
      { authorization: `Bearer ${s.mgmt}` },
      { authorization: `Bearer ${s.spend}` },
    ]) {
      const res = await api(s.url, 'GET', '/metrics', { headers });
      expectError(res, 401, 'invalid_api_key');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(res.body)).not.toContain(token);
    }
  });

  it('serves the metrics to the right token', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const res = await scrape(s, { authorization: `${scheme} ${token}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(PROMETHEUS);
      const all = samples(res.text);
      expect(value(all, 'bursar_http_requests_total', { method: 'GET', route: '/metrics', status: '401' })).toBeGreaterThanOrEqual(7);
    }
  });

  it('takes only a token long enough to resist guessing', () => {
    expect(() => parseEnv({ BURSAR_METRICS_TOKEN: 'short' })).toThrow(/BURSAR_METRICS_TOKEN/);
    expect(() => parseEnv({ BURSAR_METRICS_TOKEN: 'has a space in it 0123456789' })).toThrow(/BURSAR_METRICS_TOKEN/);
    expect(parseEnv({ BURSAR_METRICS_TOKEN: token }).BURSAR_METRICS_TOKEN).toBe(token);
    expect(parseEnv({ BURSAR_METRICS: 'off' }).BURSAR_METRICS).toBe(false);
    expect(parseEnv({}).BURSAR_METRICS).toBe(true);
  });
});
