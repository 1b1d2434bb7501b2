import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { fetchPolicy, parseCidrList, refusalOf } from './fetch-policy.js';

describe('refusalOf: the URL-fetch address policy', () => {
  const none = fetchPolicy();
  const refused: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback/],
    ['169.254.169.254', /linkLocal/],
    ['fe80::1', /linkLocal/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
  ];
  for (const [address, reason] of refused) {
    it(`refuses ${address} by default, naming the setting that opens it`, () => {
      const r = refusalOf(address, none);
      assert.match(r ?? '', reason);
      assert.match(r ?? '', /MODELKEEP_FETCH_ALLOW/);
    });
  }
  for (const address of ['93.184.216.34', '10.1.2.3', '192.168.1.20', '172.16.0.1', '2606:4700::1111', 'fd00::5']) {
    it(`allows ${address} by default`, () => assert.equal(refusalOf(address, none), undefined));
  }

  it("refuses the server's own interface addresses", () => {
    const own = Object.values(networkInterfaces())
      .flatMap((l) => l ?? [])
      .find((i) => !i.internal);
    if (own) assert.match(refusalOf(own.address, none) ?? '', /an address of this server|linkLocal/);
  });

  it('deny closes ranges that are open by default; allow opens refused ones and wins inside a denied range', () => {
    const p = fetchPolicy('127.0.0.1/32, 10.9.0.0/16', '10.0.0.0/8,192.168.0.0/16, fd00::/8');
    assert.match(refusalOf('10.1.2.3', p) ?? '', /MODELKEEP_FETCH_DENY/);
    assert.match(refusalOf('fd00::5', p) ?? '', /MODELKEEP_FETCH_DENY/);
    assert.equal(refusalOf('10.9.8.7', p), undefined);
    assert.equal(refusalOf('127.0.0.1', p), undefined);
    assert.match(refusalOf('127.0.0.2', p) ?? '', /loopback/);
    assert.match(refusalOf('::ffff:10.1.2.3', p) ?? '', /MODELKEEP_FETCH_DENY/);
  });

  it('parseCidrList: addresses, ranges, blanks; a bad entry is named', () => {
    assert.equal(parseCidrList(undefined).length, 0);
    assert.equal(parseCidrList(' 10.0.0.0/8 , ::1,, 192.168.1.1 ').length, 3);
    assert.throws(() => parseCidrList('10.0.0.0/8,banana'), /"banana" is not an address or CIDR range/);
    assert.throws(() => parseCidrList('10.0.0.0/99'), /10\.0\.0\.0\/99/);
  });
});
