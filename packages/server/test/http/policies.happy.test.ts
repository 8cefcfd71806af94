import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { listAll } from './support.js';

const everyField = {
  name: 'Research agents',
  currency: 'USD',
  timezone: 'Europe/Paris',
  max_single_amount_cents: 10_000,
  daily_limit_cents: 20_000,
  weekly_limit_cents: 60_000,
  monthly_limit_cents: 200_000,
  total_limit_cents: 1_000_000,
  require_approval_over_cents: 5_000,
  max_transactions_per_minute: 5,
  max_transactions_per_hour: 100,
  allowed_merchants: ['OpenAI', 'anthropic.com'],
  blocked_merchants: ['casino.example'],
  allowed_categories: ['software', 'compute'],
  blocked_categories: ['gambling'],
  alert_thresholds_percent: [50, 90],
  approvals_required: 2,
  is_active: false,
};

describe('policies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('creates a policy with every field and echoes each one', async () => {
    const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: everyField });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      ...everyField,
      currency: 'usd',
      id: expect.stringMatching(/^pol_[0-9a-z]{26}$/),
      object: 'policy',
      livemode: false,
      version: 1,
      created_at: expect.any(String),
      updated_at: r.body.created_at,
    });
    const got = await api(s.url, 'GET', `/v1/policies/${r.body.id}`, { key: s.mgmt });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it('fills defaults for an empty body: usd, UTC, no limits, empty lists, active', async () => {
    const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: {} });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'Policy',
      currency: 'usd',
      timezone: 'UTC',
      max_single_amount_cents: null,
      daily_limit_cents: null,
      weekly_limit_cents: null,
      monthly_limit_cents: null,
      total_limit_cents: null,
      require_approval_over_cents: null,
      max_transactions_per_minute: null,
      max_transactions_per_hour: null,
      allowed_merchants: [],
      blocked_merchants: [],
      allowed_categories: [],
      blocked_categories: [],
      is_active: true,
    });
  });

  it('shows the provisioned default policy: monthly 50000, approval over 25000', async () => {
    const r = await api(s.url, 'GET', `/v1/policies/${s.policyId}`, { key: s.mgmt });
    expect(r.body).toMatchObject({ name: 'Default policy', currency: 'usd', monthly_limit_cents: 50_000, require_approval_over_cents: 25_000, is_active: true });
  });

  it('lists policies newest first with cursor pagination', async () => {
    const a = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'list-a' } });
    const b = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'list-b' } });
    const p1 = await api(s.url, 'GET', '/v1/policies?limit=2', { key: s.mgmt });
    expect(p1.status).toBe(200);
    expect(p1.body.data.map((p: any) => p.id)).toEqual([b.body.id, a.body.id]);
    expect(p1.body).toMatchObject({ has_more: true, next_cursor: a.body.id });
    const all = await listAll(s, '/v1/policies', s.mgmt, 2);
    expect(all[0].id).toBe(b.body.id);
    expect(all.at(-1).id).toBe(s.policyId);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    const ids = all.map((p) => p.id);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('PUT changes only the fields sent, keeps the rest, and null clears a limit', async () => {
    const created = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { ...everyField, is_active: true } });
    const id = created.body.id;
    const r = await api(s.url, 'PUT', `/v1/policies/${id}`, {
      key: s.mgmt,
      body: { name: 'Renamed', daily_limit_cents: null, max_transactions_per_minute: null, blocked_merchants: [], monthly_limit_cents: 300_000 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ...created.body,
      name: 'Renamed',
      daily_limit_cents: null,
      max_transactions_per_minute: null,
      blocked_merchants: [],
      monthly_limit_cents: 300_000,
      version: 2,
      updated_at: expect.any(String),
    });
    expect(Date.parse(r.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
    const got = await api(s.url, 'GET', `/v1/policies/${id}`, { key: s.mgmt });
    expect(got.body).toEqual(r.body);
  });

  it('PUT with every field sets every field', async () => {
    const created = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: {} });
    const r = await api(s.url, 'PUT', `/v1/policies/${created.body.id}`, { key: s.mgmt, body: { ...everyField, currency: 'usd' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ...everyField, currency: 'usd' });
    // An empty PUT changes nothing but is allowed.
    const same = await api(s.url, 'PUT', `/v1/policies/${created.body.id}`, { key: s.mgmt, body: {} });
    expect(same.status).toBe(200);
    expect({ ...same.body, updated_at: null }).toEqual({ ...r.body, updated_at: null });
  });

  it('stores lists de-duplicated in the operator spelling', async () => {
    const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { blocked_merchants: ['OpenAI', ' OpenAI ', 'openai.com'] } });
    expect(r.status).toBe(201);
    expect(r.body.blocked_merchants).toEqual(['OpenAI', 'openai.com']);
  });

  it('a PUT takes effect on the next decision', async () => {
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'effect' } });
    const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'effect', policy_id: pol.body.id } });
    const key = (await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } })).body.key;
    expect((await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100) })).body.status).toBe('approved');

    await api(s.url, 'PUT', `/v1/policies/${pol.body.id}`, { key: s.mgmt, body: { is_active: false } });
    const off = await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100) });
    expect(off.body).toMatchObject({ status: 'declined', decision_code: 'policy_inactive' });

    await api(s.url, 'PUT', `/v1/policies/${pol.body.id}`, { key: s.mgmt, body: { is_active: true, max_single_amount_cents: 50 } });
    const capped = await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100) });
    expect(capped.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_single_limit' });

    await api(s.url, 'PUT', `/v1/policies/${pol.body.id}`, { key: s.mgmt, body: { max_single_amount_cents: null } });
    expect((await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100) })).body.status).toBe('approved');
  });

  it('applies the lists and velocity of a policy to decisions', async () => {
    const pol = await api(s.url, 'POST', '/v1/policies', {
      key: s.mgmt,
      body: { allowed_merchants: ['openai.com', 'AWS'], allowed_categories: ['Software'], blocked_categories: ['gambling'], max_transactions_per_minute: 3 },
    });
    const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'lists', policy_id: pol.body.id } });
    const key = (await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } })).body.key;
    const ask = async (extra: Record<string, unknown>) => (await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100, extra) })).body;

    expect(await ask({ merchant_name: 'OpenAI, Inc.', category: ' software ' })).toMatchObject({ status: 'approved' });
    expect(await ask({ merchant_name: 'GCP', category: 'software' })).toMatchObject({ status: 'declined', decision_code: 'merchant_not_allowed' });
    expect(await ask({ merchant_name: 'aws', category: 'travel' })).toMatchObject({ status: 'declined', decision_code: 'category_not_allowed' });
    expect(await ask({ merchant_name: 'aws' })).toMatchObject({ status: 'declined', decision_code: 'category_not_allowed' });
    expect(await ask({ merchant_name: 'aws', category: 'Gambling' })).toMatchObject({ status: 'declined', decision_code: 'category_blocked' });
    // Declined requests do not count towards velocity: two more approvals fit in this minute, then the limit binds.
    expect(await ask({ merchant_name: 'aws', category: 'software' })).toMatchObject({ status: 'approved' });
    expect(await ask({ merchant_name: 'aws', category: 'software' })).toMatchObject({ status: 'approved' });
    expect(await ask({ merchant_name: 'aws', category: 'software' })).toMatchObject({ status: 'declined', decision_code: 'velocity_limit_minute' });
  });

  it('accepts IANA time zones', async () => {
    for (const timezone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      const r = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { timezone } });
      expect(r.status).toBe(201);
      expect(r.body.timezone).toBe(timezone);
    }
  });
});
