import { useCallback, useEffect, useRef, useState } from 'react';
import type { Agent, Page, PageParams } from '@bursar/sdk';
import { collect } from './api.js';
import { describeError } from './format.js';
import { useApp } from './ui.js';

/** Data loaded from the API, with its error and a reload; `intervalMs` polls while the page is open. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Polling never overlaps itself: the next load is scheduled `intervalMs` after the previous one
 * answered, so a slow server gets one request at a time from each list, not a queue of them. An
 * answer for deps that have since changed is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], intervalMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Bumped when deps change: a load started under older deps does not write its answer.
  const generation = useRef(0);
  const loadFor = useCallback(async (gen: number) => {
    try {
      const value = await loadRef.current();
      if (gen !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (gen === generation.current) setError(err);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, []);
  const reload = useCallback(() => loadFor(generation.current), [loadFor]);
  useEffect(() => {
    const gen = ++generation.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    setLoading(true);
    const poll = async (first: boolean) => {
      if (first || document.visibilityState === 'visible') await loadFor(gen);
      if (!stopped && intervalMs) timer = setTimeout(() => void poll(false), intervalMs);
    };
    void poll(true);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, error, loading, reload };
}

/** A list loaded a page at a time: what ListView shows. */
export interface PagedList<T> {
  /** Every row loaded so far, newest first; undefined until the first page arrives. */
  rows: T[] | undefined;
  error: unknown;
  reload: () => Promise<void>;
  /** Loads the next page; undefined when there is none. */
  more: (() => Promise<void>) | undefined;
  moreError: string | undefined;
}

/**
 * The first page of a list (polled every `intervalMs`), then further pages on demand.
 * `deps` are the list's filters: when they change, the pages loaded under the old ones go.
 */
export function usePagedList<T extends { id: string }>(
  list: (q: PageParams) => Promise<Page<T>>,
  deps: unknown[],
  opts: { limit?: number; intervalMs?: number } = {},
): PagedList<T> {
  const limit = opts.limit ?? 100;
  const key = JSON.stringify(deps);
  // The first page remembers its filters: until the page for new ones arrives, the old one shows, with no "Load more".
  const first = useLoad(async () => ({ key, page: await list({ limit }) }), deps, opts.intervalMs);
  const [later, setLater] = useState<{ key: string; rows: T[]; cursor: string | null }>();
  const [moreError, setMoreError] = useState<string>();
  // New filters drop the pages loaded under the old ones (even when the old filters come back)
  // and a "Load more" that failed under them; a poll refreshes the first page only.
  const [filters, setFilters] = useState(key);
  if (filters !== key) {
    setFilters(key);
    setLater(undefined);
    setMoreError(undefined);
  }
  // A page still arriving for the old filters is not theirs to extend.
  const extra = later?.key === key ? later : undefined;
  const current = first.data?.key === key ? first.data.page : undefined;
  const cursor = extra ? extra.cursor : (current?.next_cursor ?? null);
  const seen = new Set<string>();
  const rows = first.data ? [...first.data.page.data, ...(extra?.rows ?? [])].filter((r) => !seen.has(r.id) && seen.add(r.id)) : undefined;
  const more = cursor
    ? async () => {
        setMoreError(undefined);
        try {
          const page = await list({ limit, cursor });
          setLater({ key, rows: [...(extra?.rows ?? []), ...page.data], cursor: page.next_cursor });
        } catch (err) {
          setMoreError(`Could not load more: ${describeError(err)}`);
        }
      }
    : undefined;
  return { rows, error: first.error, reload: first.reload, more, moreError };
}

/** An operator's action on a page: its failure message, which one is running, and how to run one. */
export interface Action {
  error: string | undefined;
  /** The `key` of the action under way (e.g. the id of the row it acts on), if any. */
  busy: string | undefined;
  /** Clears the last failure and runs `fn`; a failure reads "Could not <failure>: …". True when it succeeded. */
  run(fn: () => Promise<unknown>, opts?: { failure?: string; key?: string }): Promise<boolean>;
  setError(message: string | undefined): void;
}

export function useAction(): Action {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const run = useCallback(async (fn: () => Promise<unknown>, opts: { failure?: string; key?: string } = {}) => {
    setBusy(opts.key ?? 'action');
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(opts.failure ? `Could not ${opts.failure}: ${describeError(err)}` : describeError(err));
      return false;
    } finally {
      setBusy(undefined);
    }
  }, []);
  return { error, busy, run, setError };
}

/** The workspace's agents (the first 100), for filters, and the name of an agent by id (the id when it is not among them). */
export function useAgentNames(q: { status?: Agent['status'] } = {}): { agents: Agent[]; name: (id: string) => string } {
  const { client } = useApp();
  const list = useLoad(() => client.agents.list({ limit: 100, ...q }), []);
  const agents = list.data?.data ?? [];
  const names = new Map(agents.map((a) => [a.id, a.name]));
  return { agents, name: (id) => names.get(id) ?? id };
}

/**
 * Keys by id, in words: its name and prefix ("finance (bmk_test_ab12…)"), else its prefix; the id
 * itself until the keys are loaded. With `you`, the signed-in key is "you".
 */
export function useKeyNames(opts: { you?: boolean } = {}): (id: string) => string {
  const { client, session } = useApp();
  const keys = useLoad(() => collect((q) => client.apiKeys.list(q), 1000), []);
  const names = new Map((keys.data ?? []).map((k) => [k.id, k.name ? `${k.name} (${k.prefix}…)` : `${k.prefix}…`]));
  return (id) => (opts.you && id === session.key_id ? 'you' : (names.get(id) ?? id));
}

/** One agent, once its id is known (a detail page shows its name). */
export function useAgent(id: string | undefined): Agent | undefined {
  const { client } = useApp();
  return useLoad(async () => (id ? client.agents.get(id) : undefined), [id]).data;
}
