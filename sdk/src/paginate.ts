/**
 * Paginated lists as the Trigger.dev SDK returns them: a promise of the first page (`data`, `getNextPage()`,
 * `hasNextPage()`) that is also an async iterable over every item of every page (`for await (const x of list())`).
 */
import { scopedConfiguration, withAuth } from "./auth.js";

export interface Page<T> extends AsyncIterable<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<Page<T>>;
}

export type PagePromise<T, P extends Page<T> = Page<T>> = Promise<P> & AsyncIterable<T>;

/** `fetchPage(cursor)` answers one page and the cursor of the next (undefined on the last). */
export function paginate<T, C, Extra extends object = object>(
  fetchPage: (cursor: C | undefined) => Promise<{ data: T[]; next: C | undefined } & Extra>,
  first?: C,
): PagePromise<T, Page<T> & Extra> {
  // Later pages are fetched with the key the first one was (auth.withAuth, a TriggerClient), wherever they are read.
  const config = scopedConfiguration() ?? {};
  const load = async (cursor: C | undefined): Promise<Page<T> & Extra> => {
    const { next, ...rest } = await withAuth(config, () => fetchPage(cursor));
    const page = {
      ...(rest as unknown as { data: T[] } & Extra),
      hasNextPage: () => next !== undefined,
      getNextPage: async () => {
        if (next === undefined) throw new Error("This is the last page; check hasNextPage() first");
        return load(next);
      },
      async *[Symbol.asyncIterator]() {
        let current: Page<T> = page;
        for (;;) {
          yield* current.data;
          if (!current.hasNextPage()) return;
          current = await current.getNextPage();
        }
      },
    };
    return page;
  };
  const promise = load(first);
  return Object.assign(promise, {
    async *[Symbol.asyncIterator]() {
      yield* await promise;
    },
  });
}

/** Offset pages (`page`, `perPage`, answered with `pagination: { currentPage, totalPages }`). */
export function paginateOffset<T>(
  fetchPage: (
    page: number,
  ) => Promise<{ data: T[]; pagination: { currentPage: number; totalPages: number; count: number } }>,
  firstPage = 1,
) {
  return paginate<T, number, { pagination: { currentPage: number; totalPages: number; count: number } }>(
    async (page) => {
      const answer = await fetchPage(page ?? firstPage);
      const { currentPage, totalPages } = answer.pagination;
      return { ...answer, next: currentPage < totalPages ? currentPage + 1 : undefined };
    },
    firstPage,
  );
}
