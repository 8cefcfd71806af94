import { describe, expect, it } from 'vitest';
import { routeTable } from '../security/support.js';

describe('the dialect of a route is declared on the route', () => {
  it('every /api/v1 route declares the api-v1 dialect, and no other route does', () => {
    const all = routeTable();
    expect(all.length).toBeGreaterThan(50);
    const wrong = all.filter((r) => (r.url.startsWith('/api/v1/') ? r.dialect !== 'api-v1' : r.dialect !== undefined));
    expect(wrong.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});
