/**
 * The equivalent curl of a console request, shown beside forms so what the console does can be
 * repeated from a shell. The token is never printed: `$PAT` stands for it.
 */
export function curlFor(method: string, origin: string, path: string, body?: unknown): string {
  const parts = [`curl -s${method === 'GET' ? '' : ` -X ${method}`} "${origin}${path}"`, `  -H "Authorization: Key $PAT"`];
  if (body !== undefined) {
    const json = JSON.stringify(body, null, 2).replace(/'/g, `'\\''`);
    parts.push(`  -H "Content-Type: application/json"`, `  -d '${json}'`);
  }
  return parts.join(' \\\n');
}
