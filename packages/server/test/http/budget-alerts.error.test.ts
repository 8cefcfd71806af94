import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

/** `alert_thresholds_percent` (`alertThresholdsPercent` on /api/v1): whole percents 1–100, at most 5, none repeated. */
let s: TestServer;
let existing: any;
beforeAll(async () => {
  s = await startTestServer();
  existing = (await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'alerting', monthly_limit_cents: 10_000, alert_thresholds_percent: [50] } })).body;
});
afterAll(() => s.close());

const bad: Array<{ name: string; value: unknown; at: string }> = [
  { name: 'a threshold over 100', value: [50, 101], at: '.1' },
  { name: 'a threshold of 0', value: [0], at: '.0' },
  { name: 'a negative threshold', value: [-10], at: '.0' },
  { name: 'six thresholds', value: [10, 20, 30, 40, 50, 60], at: '' },
  { name: 'a repeated threshold', value: [80, 80], at: '' },
  { name: 'a fractional threshold', value: [12.5], at: '.0' },
  { name: 'a threshold as a string', value: ['80'], at: '.0' },
  { name: 'a number instead of a list', value: 80, at: '' },
  { name: 'null', value: null, at: '' },
];

describe.each(bad)('alert_thresholds_percent with $name', ({ value, at }) => {
  it('POST /v1/policies is a 400 naming the field and creates nothing', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'p', alert_thresholds_percent: value } }));
    expectError(r, 400, 'invalid_request', `alert_thresholds_percent${at}`);
  });

  it('PUT /v1/policies/:id is a 400 naming the field and leaves the policy as it was', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'PUT', `/v1/policies/${existing.id}`, { key: s.mgmt, body: { alert_thresholds_percent: value } }));
    expectError(r, 400, 'invalid_request', `alert_thresholds_percent${at}`);
    expect((await api(s.url, 'GET', `/v1/policies/${existing.id}`, { key: s.mgmt })).body).toEqual(existing);
  });

  it('POST /api/v1/policies answers {"error"} naming alertThresholdsPercent and creates nothing', async () => {
    const r = await expectNoStateChange(s, () => v1(s, 'POST', '/policies', s.mgmt, { name: 'p', alertThresholdsPercent: value }));
    expectApiError(r, 400, /^alertThresholdsPercent\b/);
  });
});

describe('valid thresholds', () => {
  it('default to [80, 100] on both dialects, are kept ascending, and [] turns them off', async () => {
    const created = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'defaults' } });
    expect(created.body.alert_thresholds_percent).toEqual([80, 100]);
    const changed = await api(s.url, 'PUT', `/v1/policies/${created.body.id}`, { key: s.mgmt, body: { alert_thresholds_percent: [100, 25, 1, 75, 50] } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.alert_thresholds_percent).toEqual([1, 25, 50, 75, 100]);
    // Left out of a PUT, they stay.
    const renamed = await api(s.url, 'PUT', `/v1/policies/${created.body.id}`, { key: s.mgmt, body: { name: 'renamed' } });
    expect(renamed.body.alert_thresholds_percent).toEqual([1, 25, 50, 75, 100]);
    const off = await api(s.url, 'PUT', `/v1/policies/${created.body.id}`, { key: s.mgmt, body: { alert_thresholds_percent: [] } });
    expect(off.body.alert_thresholds_percent).toEqual([]);

    const apiDefault = await v1(s, 'POST', '/policies', s.mgmt, { name: 'api defaults' });
    expect(apiDefault.body.alertThresholdsPercent).toEqual([80, 100]);
    const apiSet = await v1(s, 'POST', '/policies', s.mgmt, { name: 'api set', monthlyLimit: 10_000, alertThresholdsPercent: [90, 50] });
    expect(apiSet.status, JSON.stringify(apiSet.body)).toBe(201);
    expect(apiSet.body.alertThresholdsPercent).toEqual([50, 90]);
    expect((await api(s.url, 'GET', `/v1/policies/${apiSet.body.id}`, { key: s.mgmt })).body.alert_thresholds_percent).toEqual([50, 90]);
    const listed = await v1(s, 'GET', '/policies', s.mgmt);
    expect(listed.body.find((p: { id: string }) => p.id === apiSet.body.id).alertThresholdsPercent).toEqual([50, 90]);
  });

  it('budget.threshold_crossed and budget.* are subscribable', async () => {
    for (const events of [['budget.threshold_crossed'], ['budget.*']]) {
      const r = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hooks', events } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    expectError(await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hooks', events: ['budget.crossed'] } }), 400, 'invalid_request');
  });
});
