import { expect } from 'vitest';
import { api, type Res, type TestServer } from './server.js';

/** Calls the policy-evaluation dialect the way its reference client does: the key in x-api-key. */
export function v1(s: TestServer, method: string, path: string, key: string | undefined, body?: unknown): Promise<Res> {
  const headers: Record<string, string> = key === undefined ? {} : { 'x-api-key': key };
  return api(s.url, method, `/api/v1${path}`, body === undefined ? { headers } : { headers, body });
}

/** Asserts the /api/v1 error envelope: exactly `{"error": "message"}`, the message matching `pattern`. */
export function expectApiError(res: Res, status: number, pattern?: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(typeof res.body.error).toBe('string');
  expect(res.body.error.length).toBeGreaterThan(0);
  if (pattern) expect(res.body.error).toMatch(pattern);
}

/** The reference's evaluate body, with `extra` on top. */
export function evaluation(agentId: string, extra: Record<string, unknown> = {}) {
  return { agentId, amountMinor: 500, unit: 'USD', merchant: 'openai.com', category: 'api', reason: 'Monthly credits', ...extra };
}

/** A policy made through /api/v1 and an agent under it made through /v1; returns the agent id. */
export async function agentUnder(s: TestServer, policy: Record<string, unknown>, name = 'v1-agent'): Promise<{ agentId: string; policyId: string }> {
  const pol = await v1(s, 'POST', '/policies', s.mgmt, { name: `policy of ${name}`, ...policy });
  expect(pol.status, JSON.stringify(pol.body)).toBe(201);
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name, policy_id: pol.body.id } });
  expect(agt.status, JSON.stringify(agt.body)).toBe(201);
  return { agentId: agt.body.id, policyId: pol.body.id };
}
