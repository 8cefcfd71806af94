import { describe, expect, it } from 'vitest';
import { BursarClient } from '../src/index.js';

/** The dashboard's mode: no key in the browser, the session cookie authenticates, the CSRF token rides along. */
describe('BursarClient with a dashboard session', () => {
  it('sends the CSRF token and no Authorization header', async () => {
    const seen: Headers[] = [];
    const fetchStub = (async (_url: URL, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response(JSON.stringify({ data: [], has_more: false, next_cursor: null }), { status: 200 });
    }) as unknown as typeof fetch;
    const client = new BursarClient({ baseUrl: 'http://dashboard.test', session: { csrfToken: 'csrf-123' }, fetch: fetchStub });
    await client.agents.list();
    expect(seen[0]!.get('x-csrf-token')).toBe('csrf-123');
    expect(seen[0]!.has('authorization')).toBe(false);
  });

  it('still needs a key or a session', () => {
    expect(() => new BursarClient({})).toThrow('needs an apiKey');
  });
});
