import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { dbState, eventsOf, expectError, listAll, walletBalance } from './support.js';

let s: TestServer;
let team: { id: string; key: string; walletId: string };
beforeAll(async () => {
  s = await startTestServer();
  const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team B' } });
  expect(ws.status, JSON.stringify(ws.body)).toBe(201);
  team = { id: ws.body.id, key: ws.body.management_key, walletId: ws.body.wallet_id };
});
afterAll(() => s.close());

const teamBalance = async () => {
  const r = await api(s.url, 'GET', `/v1/wallets/${team.walletId}/balance`, { key: team.key });
  return { available: r.body.available_cents, held: r.body.held_cents };
};
const send = (amount: number, key?: string, extra: Record<string, unknown> = {}) =>
  api(s.url, 'POST', '/v1/transfers', {
    key: s.mgmt,
    body: { to_workspace_id: team.id, amount_cents: amount, currency: 'usd', description: 'monthly budget', ...extra },
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

describe('transfers', () => {
  it('move money between workspaces, ledger-backed on both sides and visible to both', async () => {
    const from = await walletBalance(s);
    const to = await teamBalance();
    const t = await send(2500, 'trf-1');
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect(t.body).toMatchObject({ id: expect.stringMatching(/^trf_/), object: 'transfer', status: 'completed', direction: 'outgoing', amount_cents: 2500, currency: 'usd', to_workspace_id: team.id, to_wallet_id: team.walletId });
    expect(await walletBalance(s)).toEqual({ available: from.available - 2500, held: from.held });
    expect(await teamBalance()).toEqual({ available: to.available + 2500, held: to.held });
    const theirs = await api(s.url, 'GET', `/v1/transfers/${t.body.id}`, { key: team.key });
    expect(theirs.body).toMatchObject({ id: t.body.id, direction: 'incoming', from_wallet_id: s.walletId });
    expect((await listAll(s, '/v1/transfers?direction=incoming', team.key)).map((x) => x.id)).toContain(t.body.id);
    expect((await listAll(s, '/v1/transfers?direction=outgoing', team.key)).map((x) => x.id)).not.toContain(t.body.id);
    const mine = await api(s.url, 'GET', `/v1/ledger/transactions?wallet_id=${s.walletId}&limit=5`, { key: s.mgmt });
    const out = mine.body.data.find((x: any) => x.id === t.body.from_ledger_transaction_id);
    expect(out).toMatchObject({ type: 'transfer', postings: [{ account: `${s.walletId}:available`, amount_cents: -2500 }, { account: 'external:transfers:usd', amount_cents: 2500 }] });
    const into = (await api(s.url, 'GET', `/v1/ledger/transactions?wallet_id=${team.walletId}&limit=5`, { key: team.key })).body.data.find((x: any) => x.id === t.body.to_ledger_transaction_id);
    expect(into).toMatchObject({ type: 'transfer', postings: [{ account: 'external:transfers:usd', amount_cents: -2500 }, { account: `${team.walletId}:available`, amount_cents: 2500 }] });
    for (const key of [s.mgmt, team.key]) expect((await api(s.url, 'GET', '/v1/ledger/verify', { key })).body.ok).toBe(true);
    const events = await eventsOf(s, t.body.id);
    expect(events.map((e) => [e.type, e.object.direction])).toEqual([['transfer.created', 'outgoing'], ['transfer.created', 'incoming']]);
  });

  it('are idempotent: the same key and body replay the one transfer; another body is a 422', async () => {
    const from = await walletBalance(s);
    const first = await send(100, 'trf-idem');
    const again = await send(100, 'trf-idem');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await walletBalance(s)).toEqual({ available: from.available - 100, held: from.held });
    expectError(await send(200, 'trf-idem'), 422, 'idempotency_key_reused');
    const racing = await Promise.all(Array.from({ length: 10 }, () => send(100, 'trf-race')));
    const ids = new Set(racing.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(racing.every((r) => r.status === 201 || r.body.error?.code === 'idempotency_key_in_use')).toBe(true);
    expect(await walletBalance(s)).toEqual({ available: from.available - 200, held: from.held });
  });

  it('never overdraw: 402 funding_source_budget_exceeded and nothing moves', async () => {
    const { available } = await teamBalance();
    const before = await dbState(s);
    const r = await api(s.url, 'POST', '/v1/transfers', {
      key: team.key,
      body: { to_workspace_id: await firstWorkspaceId(), amount_cents: available + 1, currency: 'usd', description: 'too much' },
    });
    expectError(r, 402, 'funding_source_budget_exceeded');
    expect(await dbState(s)).toEqual(before);
  });

  it('are atomic: a failure after both ledger postings leaves neither side changed', async () => {
    const db = s.server.db.db;
    // Fail the last write of the transaction, after both wallets' ledger transactions were posted.
    if (s.server.db.kind === 'postgres') {
      await sql`create function fail_transfer() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`.execute(db);
      await sql`create trigger fail_transfer before insert on transfers for each row execute function fail_transfer()`.execute(db);
    } else {
      await sql`create trigger fail_transfer before insert on transfers begin select raise(abort, 'simulated crash'); end`.execute(db);
    }
    try {
      const before = await dbState(s);
      const r = await send(300, 'trf-crash');
      expectError(r, 500, 'internal_error');
      expect(JSON.stringify(r.body)).not.toContain('simulated crash');
      expect(await dbState(s)).toEqual(before);
    } finally {
      await sql`drop trigger fail_transfer${s.server.db.kind === 'postgres' ? sql` on transfers` : sql``}`.execute(db);
    }
    // The same key, retried after the failure, moves the money once.
    const from = await walletBalance(s);
    expect((await send(300, 'trf-crash')).status).toBe(201);
    expect(await walletBalance(s)).toEqual({ available: from.available - 300, held: from.held });
  });

  it('racing transfers both ways never overdraw and keep the total', async () => {
    const a0 = (await walletBalance(s)).available;
    const b0 = (await teamBalance()).available;
    const home = await firstWorkspaceId();
    const rs = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => send(1000, `out-${i}`)),
      ...Array.from({ length: 30 }, (_, i) =>
        api(s.url, 'POST', '/v1/transfers', { key: team.key, body: { to_workspace_id: home, amount_cents: 1000, currency: 'usd', description: 'back' }, headers: { 'idempotency-key': `in-${i}` } }),
      ),
    ]);
    expect(rs.every((r) => r.status === 201 || r.body.error?.code === 'funding_source_budget_exceeded')).toBe(true);
    const a1 = (await walletBalance(s)).available;
    const b1 = (await teamBalance()).available;
    expect(a1 + b1).toBe(a0 + b0);
    expect(a1).toBeGreaterThanOrEqual(0);
    expect(b1).toBeGreaterThanOrEqual(0);
    for (const key of [s.mgmt, team.key]) expect((await api(s.url, 'GET', '/v1/ledger/verify', { key })).body.ok).toBe(true);
  });

  it('refuse bad input with a 4xx naming the field and change nothing', async () => {
    const before = await dbState(s);
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ to_workspace_id: 'ws_nope' }, 400, 'invalid_request', 'to_workspace_id'],
      [{ to_workspace_id: await firstWorkspaceId() }, 400, 'invalid_request', 'to_workspace_id'],
      [{ amount_cents: 0 }, 400, 'invalid_request', 'amount_cents'],
      [{ amount_cents: 1.5 }, 400, 'invalid_request', 'amount_cents'],
      [{ currency: 'usdollars' }, 400, 'invalid_request', 'currency'],
      [{ currency: 'eur' }, 400, 'invalid_request', 'currency'],
      [{ description: '' }, 400, 'invalid_request', 'description'],
      [{ extra: 1 }, 400, 'invalid_request', 'extra'],
    ];
    for (const [patch, status, code, field] of cases) expectError(await send(100, undefined, patch), status, code, field);
    expectError(await api(s.url, 'POST', '/v1/transfers', { key: s.spend, body: { to_workspace_id: team.id, amount_cents: 1, currency: 'usd', description: 'x' } }), 403, 'forbidden');
    expectError(await api(s.url, 'GET', '/v1/transfers/trf_nope', { key: s.mgmt }), 404, 'not_found');
    expect(await dbState(s)).toEqual(before);
  });
});

async function firstWorkspaceId(): Promise<string> {
  const r = await api(s.url, 'GET', '/v1/workspaces', { key: s.mgmt });
  return r.body.data[r.body.data.length - 1].id;
}
