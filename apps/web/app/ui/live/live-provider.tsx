'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CuratedFileEvent, LiveEvents, PipelineSnapshot, ViewPayload } from '../../lib/definitions';

export type Connection = 'connecting' | 'live' | 'stale' | 'disconnected';

export interface LiveState {
  readonly connection: Connection;
  readonly lastMessageAt: number | null;
  readonly disconnectedSince: number | null;
  readonly pipeline: PipelineSnapshot | null;
  readonly view: { readonly key: string; readonly payload: ViewPayload; readonly receivedAt: number } | null;
  /** New curated files announced while this page was open, newest first. */
  readonly files: readonly (CuratedFileEvent & { readonly seenAt: number })[];
}

const INITIAL: LiveState = { connection: 'connecting', lastMessageAt: null, disconnectedSince: null, pipeline: null, view: null, files: [] };
const LiveContext = createContext<LiveState>(INITIAL);

/** The stream query of a page: which view it shows, with its filters. */
function streamQuery(pathname: string, search: URLSearchParams): string {
  const params = new URLSearchParams();
  const [, first, second] = pathname.split('/');
  if (first === 'earthquakes') {
    params.set('view', 'earthquakes');
    for (const name of ['window', 'minMagnitude']) {
      const value = search.get(name);
      if (value !== null) params.set(name, value);
    }
  } else if (first === 'weather' || first === 'wikipedia') {
    params.set('view', first);
  } else if (first === 'datasets' && second !== undefined && second !== '') {
    params.set('view', 'dataset');
    params.set('dataset', decodeURIComponent(second));
  } else if (first === 'datasets') {
    params.set('view', 'datasets');
  } else {
    params.set('view', 'overview');
  }
  return params.toString();
}

/**
 * One Server-Sent Events connection per page (`/api/stream`), re-opened when the page or its filters
 * change. EventSource reconnects by itself after a dropped connection; when it gives up (the server
 * answered with an error), this reconnects with back-off. The state says whether the page is live,
 * stale (connected but silent for longer than the server's `staleAfterMs`) or disconnected.
 */
export function LiveProvider({ children, staleAfterMs }: { children: ReactNode; staleAfterMs: number }) {
  const pathname = usePathname();
  const search = useSearchParams();
  const query = useMemo(() => streamQuery(pathname, new URLSearchParams(search.toString())), [pathname, search]);
  const [state, setState] = useState<LiveState>(INITIAL);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const touch = (update: (previous: LiveState) => Partial<LiveState>) =>
      setState((previous) => ({ ...previous, ...update(previous), connection: 'live', lastMessageAt: Date.now(), disconnectedSince: null }));
    const listen = <E extends keyof LiveEvents>(target: EventSource, event: E, handle: (data: LiveEvents[E]) => Partial<LiveState> | ((previous: LiveState) => Partial<LiveState>)) =>
      target.addEventListener(event, (message: MessageEvent<string>) => {
        const update = handle(JSON.parse(message.data) as LiveEvents[E]);
        touch(typeof update === 'function' ? update : () => update);
      });
    const connect = () => {
      if (stopped) return;
      const target = new EventSource(`/api/stream?${query}`);
      source = target;
      target.onopen = () => {
        attempt = 0;
      };
      listen(target, 'hello', () => ({}));
      listen(target, 'pipeline', (pipeline) => ({ pipeline }));
      listen(target, 'view', (view) => ({ view: { key: view.key, payload: view.payload, receivedAt: Date.now() } }));
      listen(target, 'file', (file) => (previous: LiveState) => ({ files: [{ ...file, seenAt: Date.now() }, ...previous.files].slice(0, 20) }));
      target.onerror = () => {
        setState((previous) => ({ ...previous, connection: 'disconnected', disconnectedSince: previous.disconnectedSince ?? Date.now() }));
        if (target.readyState === EventSource.CLOSED) {
          attempt += 1;
          retry = setTimeout(connect, Math.min(10_000, 1_000 * 2 ** Math.min(attempt, 4)));
        }
      };
    };
    setState((previous) => ({ ...previous, connection: 'connecting', view: null }));
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [query]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);

  const stale = state.connection === 'live' && state.lastMessageAt !== null && now - state.lastMessageAt > staleAfterMs;
  const value = useMemo<LiveState>(() => (stale ? { ...state, connection: 'stale' } : state), [state, stale]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** The page's data: the live version once the stream sent one for the same view and filters, else the server-rendered one. */
export function useLiveView<T extends ViewPayload>(initial: T): T {
  const { view } = useLive();
  return view !== null && view.key === initial.key ? (view.payload as T) : initial;
}

/** The pipeline snapshot: live when the stream sent one, else the server-rendered one. */
export function usePipeline(initial: PipelineSnapshot): PipelineSnapshot {
  const { pipeline } = useLive();
  return pipeline !== null && Date.parse(pipeline.generatedAt) >= Date.parse(initial.generatedAt) ? pipeline : initial;
}
