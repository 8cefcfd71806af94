import { newId } from '@bursar/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { timeOfId } from '../../src/services/clock.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent, type FreshAgent } from '../http/support.js';

// Its own file: the decision clock's high-water mark is process state, and this test moves it a day ahead.
const DAY = 24 * 3600 * 1000;
const realNow = Date.now.bind(Date);
let offset = 0;

let s: TestServer;
let agent: FreshAgent;
beforeAll(async () => {
  s = await startTestServer();
  agent = await freshAgent(s, { daily_limit_cents: 1000, monthly_limit_cents: 1_000_000 }, 'clock');
  vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await s.close();
});

const spend = (amount: number) => api(s.url, 'POST', '/v1/spend-requests', { key: agent.key, body: spendBody(amount) });

describe('clock jumps', () => {
  it('a clock stepped back does not reopen a budget window that has closed', async () => {
    // The clock runs a day ahead: tomorrow's daily budget is spent in full.
    offset = DAY;
    const tomorrow = realNow() + DAY;
    expect((await spend(1000)).body).toMatchObject({ status: 'approved' });
    expect((await spend(1)).body).toMatchObject({ status: 'declined', decision_code: 'exceeds_daily_budget' });

    // NTP steps it back a day. Today's window closed when the clock passed midnight; its unspent
    // 1000 must not become spendable again.
    offset = 0;
    const back = await spend(1000);
    expect(back.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_daily_budget' });
    expect(Date.parse(back.body.created_at)).toBeGreaterThanOrEqual(tomorrow - 1000);
    expect((await spend(1)).body).toMatchObject({ status: 'declined' });

    // A forward jump opens the next window as it should, and stepping back again keeps it.
    offset = 2 * DAY;
    expect((await spend(600)).body).toMatchObject({ status: 'approved' });
    offset = DAY;
    expect((await spend(600)).body).toMatchObject({ status: 'declined', decision_code: 'exceeds_daily_budget' });
    expect((await spend(400)).body).toMatchObject({ status: 'approved' });
    const verify = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('a restarted server starts its decision clock at the newest decision stored (ids carry their time)', () => {
    for (const t of [realNow() + 60 * DAY, realNow() + 50 * 365 * DAY]) expect(timeOfId(newId('req', t))).toBe(t);
  });
});
