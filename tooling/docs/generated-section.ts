/**
 * A generated section of a hand-written page: the lines between a BEGIN marker (which says what
 * writes them) and the next END marker are replaced by `npm run docs`; the rest of the page is
 * left as written.
 */

/** The marker that ends every generated section. */
export const END = '<!-- END generated -->';

/** `current` (the text of `page`) with the text between `begin` and the next END marker replaced by `body`. */
export function replaceSection(page: string, current: string, begin: string, body: string, what: string): string {
  const start = current.indexOf(begin);
  const end = current.indexOf(END, start);
  if (start < 0 || end < start) throw new Error(`${page} has no generated section for ${what}: put the lines\n${begin}\n${END}\nwhere it goes`);
  return `${current.slice(0, start)}${begin}\n${body}\n${current.slice(end)}`;
}
