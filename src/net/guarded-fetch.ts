import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { Agent, fetch as undiciFetch } from 'undici';
import { type FetchPolicy, refusalOf } from './fetch-policy.js';

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

type Undici = typeof import('undici');

/** An undici dispatcher whose every connection passes the policy: host names through the guarded
 * lookup, IP literals (which skip DNS) checked directly. Redirects open new connections through it too. */
function guardedAgent(u: Undici, policy: FetchPolicy): Agent {
  const connect = u.buildConnector({ lookup: guardedLookup(policy) });
  return new u.Agent({
    connect: (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      const refused = isIP(host) ? refusalOf(host, policy) : undefined;
      if (refused) return callback(new FetchRefused(refused), null);
      return connect(opts, callback);
    },
  });
}

/**
 * `fetch` through the guarded dispatcher: the one way the server downloads a URL. undici is loaded
 * on the first fetch (about 60 ms of start-up otherwise, for a server that may never fetch).
 */
export class GuardedFetch {
  private loaded: Promise<{ u: Undici; agent: Agent }> | undefined;
  constructor(private readonly policy: FetchPolicy) {}

  async fetch(url: string, init: Omit<NonNullable<Parameters<typeof undiciFetch>[1]>, 'dispatcher'>): ReturnType<typeof undiciFetch> {
    this.loaded ??= import('undici').then((u) => ({ u, agent: guardedAgent(u, this.policy) }));
    const { u, agent } = await this.loaded;
    return u.fetch(url, { ...init, dispatcher: agent });
  }

  /** Closes the kept-alive connections (at shutdown). */
  async close(): Promise<void> {
    if (this.loaded) await (await this.loaded).agent.close();
  }
}
