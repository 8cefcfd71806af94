import { describe, expect, it } from 'vitest';
import { routeModules } from '../../src/http/routes/index.js';
import type { App, Deps } from '../../src/http/types.js';

/** Every route of the route table with its declared config, read by registering each module on a stand-in app. */
function routes(): Array<{ method: string; url: string; dialect: string | undefined }> {
  const out: Array<{ method: string; url: string; dialect: string | undefined }> = [];
  const recorder: unknown = new Proxy(
    {},
    {
      get(_t, prop) {
        if (prop === 'route') return (o: { method: string; url: string; config?: { dialect?: string } }) => out.push({ method: o.method, url: o.url, dialect: o.config?.dialect });
        return () => recorder;
      },
    },
  );
  for (const m of routeModules) m.register(recorder as App, {} as Deps);
  return out;
}

describe('the dialect of a route is declared on the route', () => {
  it('every /api/v1 route declares the api-v1 dialect, and no other route does', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(50);
    const wrong = all.filter((r) => (r.url.startsWith('/api/v1/') ? r.dialect !== 'api-v1' : r.dialect !== undefined));
    expect(wrong.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });
});
