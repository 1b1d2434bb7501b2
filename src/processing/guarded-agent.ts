import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { refusalOf, type FetchPolicy } from './fetch-policy.js';

/** A connection the policy refused; `fetch` reports it as its `cause`. */
export class FetchRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FetchRefused';
  }
}

/** dns.lookup that answers only with allowed addresses (all of them checked: a client may try any). */
function guardedLookup(policy: FetchPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const refused = addresses.map((a) => refusalOf(a.address, policy)).find((r) => r !== undefined);
      if (refused) return callback(new FetchRefused(`${hostname} resolves to ${refused}`), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici dispatcher whose every connection passes the policy: host names through the guarded
 * lookup, IP literals (which skip DNS) checked directly. Redirects open new connections through it too.
 */
export function guardedAgent(policy: FetchPolicy): Agent {
  const connect = buildConnector({ lookup: guardedLookup(policy) });
  return new Agent({
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      const refused = isIP(host) ? refusalOf(host, policy) : undefined;
      if (refused) return callback(new FetchRefused(refused), null);
      return connect(opts, callback);
    },
  });
}
