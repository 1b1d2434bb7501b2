import assert from 'node:assert/strict';
import { it } from 'node:test';
import { curlFor } from './curl.js';

it('curlFor prints method, URL, the $PAT header and the body, quoting single quotes for the shell', () => {
  const c = curlFor('POST', 'http://127.0.0.1:8080', '/v2/users/me/apps', { apps: [{ id: "it's" }] });
  assert.match(c, /^curl -s -X POST "http:\/\/127\.0\.0\.1:8080\/v2\/users\/me\/apps"/);
  assert.match(c, /-H "Authorization: Key \$PAT"/);
  assert.ok(c.includes(`"id": "it'\\''s"`), c);
  assert.equal(curlFor('GET', '', '/v2/x'), 'curl -s "/v2/x" \\\n  -H "Authorization: Key $PAT"');
});
