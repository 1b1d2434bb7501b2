import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExportSignature, EXPORT_URL_TTL_MS, type ExportTarget, signedExportUrl } from './export-url.js';

const t: ExportTarget = { userId: 'u', appId: 'a', datasetId: 'd s', versionId: 'v1', file: 'clarifai_data_protobuf.zip' };
const PK = '7f3e0c1a-0000-4000-8000-000000000001';
const NOW = 1_700_000_000_000;

function parts(url: string): { path: string; expires: string; signature: string } {
  const u = new URL(url);
  return { path: u.pathname, expires: u.searchParams.get('expires') ?? '', signature: u.searchParams.get('signature') ?? '' };
}

describe('signed export URLs', () => {
  const { path, expires, signature } = parts(signedExportUrl('http://h:1', PK, t, NOW));

  it('name the export by path (segments encoded) and expire after the TTL', () => {
    assert.equal(path, '/exports/users/u/apps/a/datasets/d%20s/versions/v1/clarifai_data_protobuf.zip');
    assert.equal(Number(expires), NOW + EXPORT_URL_TTL_MS);
  });

  const cases: [string, () => string | undefined, string | undefined][] = [
    ['the URL as signed, before it expires', () => checkExportSignature(PK, t, expires, signature, NOW + 1), undefined],
    ['after it expires', () => checkExportSignature(PK, t, expires, signature, NOW + EXPORT_URL_TTL_MS + 1), 'the URL has expired'],
    ['another version key (deleted and made again)', () => checkExportSignature(`${PK}x`, t, expires, signature, NOW), 'the signature does not match this URL'],
    [
      'another format',
      () => checkExportSignature(PK, { ...t, file: 'clarifai_data_json.zip' }, expires, signature, NOW),
      'the signature does not match this URL',
    ],
    ['a later expiry written in', () => checkExportSignature(PK, t, String(Number(expires) + 1), signature, NOW), 'the signature does not match this URL'],
    ['no signature', () => checkExportSignature(PK, t, expires, '', NOW), 'the URL lacks its expires and signature parameters'],
    ['no expiry', () => checkExportSignature(PK, t, '', signature, NOW), 'the URL lacks its expires and signature parameters'],
  ];
  for (const [what, check, want] of cases) it(what, () => assert.equal(check(), want));
});
