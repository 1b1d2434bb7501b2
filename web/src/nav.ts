/** History-API navigation: links change the URL without a reload; App re-renders on 'mk:navigate'. */
export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event('mk:navigate'));
  window.scrollTo(0, 0);
}

/** Sets query parameters of the current URL (a list's search, filter, sort, page) so it can be shared. */
export function setQuery(params: Record<string, string | number | undefined>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(`${location.pathname}${s ? `?${s}` : ''}`, true);
}
