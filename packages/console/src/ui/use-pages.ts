/** A list read page by page: the first page when the key changes, each further one when asked for (load more). */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Page<T> {
  items: T[];
  /** Where the next page is read from; undefined on the last page. */
  next: string | undefined;
}

export interface Pages<T> {
  items: T[];
  /** Whether another page can be read (there is one, and fewer than the most pages were read). */
  more: boolean;
  /** Whether a next page exists that is not read because `maxPages` were. */
  capped: boolean;
  loading: boolean;
  error: unknown;
  loadMore(): void;
}

/**
 * Reads `first` (nothing while it is undefined), then one more page per loadMore(), up to
 * `maxPages`. A change of `first` starts over; an answer for an earlier key is dropped.
 */
export function usePages<T>(first: string | undefined, read: (path: string) => Promise<Page<T>>, maxPages: number): Pages<T> {
  const [state, setState] = useState<{ items: T[]; next: string | undefined; pages: number; loading: boolean; error: unknown }>({ items: [], next: undefined, pages: 0, loading: false, error: undefined });
  const generation = useRef(0);
  const fetchPage = useCallback(
    (path: string, append: boolean) => {
      const mine = generation.current;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      read(path).then(
        (page) =>
          mine === generation.current &&
          setState((s) => ({ items: append ? [...s.items, ...page.items] : page.items, next: page.next, pages: (append ? s.pages : 0) + 1, loading: false, error: undefined })),
        (error: unknown) => mine === generation.current && setState((s) => ({ ...s, loading: false, error })),
      );
    },
    [read],
  );
  useEffect(() => {
    generation.current++;
    setState({ items: [], next: undefined, pages: 0, loading: false, error: undefined });
    if (first !== undefined) fetchPage(first, false);
  }, [first]);
  const more = state.next !== undefined && state.pages < maxPages;
  const loadMore = useCallback(() => {
    if (more && !state.loading && state.next !== undefined) fetchPage(state.next, true);
  }, [more, state.loading, state.next, fetchPage]);
  return { items: state.items, more, capped: state.next !== undefined && !more, loading: state.loading, error: state.error, loadMore };
}
