import { MAX_PAGE, type Page, type PageRequest } from '../store';

/**
 * Every item of a paged read, a page at a time (exports that stream rows use
 * `pages` instead). For reads bounded by what they are about, not whole tables.
 */
export async function everyPage<T>(read: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of pages(read)) out.push(...items);
  return out;
}

/** The pages of a paged read, one after another. */
export async function* pages<T>(read: (page: PageRequest) => Promise<Page<T>>, limit = MAX_PAGE): AsyncGenerator<T[]> {
  let from: number | undefined = 0;
  while (from !== undefined) {
    const page: Page<T> = await read({ from, limit });
    yield page.items;
    from = page.next;
  }
}
