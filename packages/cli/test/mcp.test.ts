import { describe, expect, it } from 'vitest';
import { bursar } from './support.js';

const managementKey = 'bmk_test_0123456789abcdefghijklmnopqrstuv';

describe('bursar mcp', () => {
  it.each([
    ['BURSAR_API_KEY', [], { BURSAR_API_KEY: managementKey }],
    ['--key', ['--key', managementKey], {}],
  ])('refuses a management key from %s at start: one line on stderr, nothing on stdout, exit 2', async (_from, args, env) => {
    // No server at this URL: the refusal comes before any call.
    const r = await bursar(['mcp', ...args], { BURSAR_API_URL: 'http://127.0.0.1:9', ...env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "bursar: bursar mcp needs an agent's spending key (bsk_…), not a management key (bmk_…): create one with `bursar keys create --agent <agent_id>`\n",
    );
    expect(r.stderr).not.toContain(managementKey);
  });
});
