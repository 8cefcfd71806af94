import type { Page, PageParams } from '@bursar/sdk';

/** Every item of a list, page after page, until a page reaches `max` items. */
export async function collect<T>(list: (q: PageParams) => Promise<Page<T>>, max = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}
