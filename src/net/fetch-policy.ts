import { networkInterfaces } from 'node:os';
import type ipaddrTypes from 'ipaddr.js';
import { onFirstUse } from '../runtime/on-first-use.js';

/** ipaddr.js, required by the first address checked or CIDR list parsed, not at start-up. */
const ipaddrLib = onFirstUse<typeof ipaddrTypes>('ipaddr.js');

/**
 * Which addresses the server may fetch image and text URLs from (issue 18 item 6: SSRF).
 *
 * Refused by default: loopback, link-local (169.254.169.254 is the cloud metadata service), unspecified,
 * multicast, broadcast and the server's own interface addresses. Private ranges stay open by default
 * (an intranet image store is the common case); `deny` closes them on an exposed deployment. An
 * address inside an `allow` range is fetched whatever else says (open a loopback test server, or
 * one intranet subnet inside a denied private range).
 *
 * The check runs on the address each connection actually goes to — after DNS, on every redirect hop —
 * so a host name that resolves to a refused address (or changes its answer between two lookups) is
 * refused before any connection is made (guarded-fetch.ts).
 */
export interface FetchPolicy {
  allow: readonly Cidr[];
  deny: readonly Cidr[];
}

type Cidr = [ipaddrTypes.IPv4 | ipaddrTypes.IPv6, number];

const REFUSED_RANGES = new Set(['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast']);

/** Parses a comma-separated CIDR list ("10.0.0.0/8, fd00::/8"; a bare address is one host). Throws naming the bad entry. */
export function parseCidrList(raw: string | undefined): Cidr[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      try {
        const ipaddr = ipaddrLib();
        if (s.includes('/')) return ipaddr.parseCIDR(s);
        const a = ipaddr.parse(s);
        return [a, a.kind() === 'ipv4' ? 32 : 128] as Cidr;
      } catch {
        throw new Error(`"${s}" is not an address or CIDR range (e.g. 10.0.0.0/8, fd00::/8, 192.168.1.20)`);
      }
    });
}

/** The default policy with `allow` / `deny` lists given as CIDR strings. */
export function fetchPolicy(allow?: string, deny?: string): FetchPolicy {
  return { allow: parseCidrList(allow), deny: parseCidrList(deny) };
}

const normalise = (address: string): ipaddrTypes.IPv4 | ipaddrTypes.IPv6 => {
  const a = ipaddrLib().parse(address);
  return a.kind() === 'ipv6' && (a as ipaddrTypes.IPv6).isIPv4MappedAddress() ? (a as ipaddrTypes.IPv6).toIPv4Address() : a;
};

const inList = (a: ipaddrTypes.IPv4 | ipaddrTypes.IPv6, list: readonly Cidr[]): boolean =>
  list.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));

let ownAddresses: Set<string> | undefined;
/** This machine's interface addresses (read once: a fetch must not pay for it). */
const own = (): Set<string> =>
  (ownAddresses ??= new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => normalise(i.address).toString()))));

/** Why `address` may not be fetched under `policy`, or undefined when it may. */
export function refusalOf(address: string, policy: FetchPolicy): string | undefined {
  let a: ipaddrTypes.IPv4 | ipaddrTypes.IPv6;
  try {
    a = normalise(address);
  } catch {
    return `${address} is not an IP address`;
  }
  if (inList(a, policy.allow)) return undefined;
  if (inList(a, policy.deny)) return `${a.toString()} is in MODELKEEP_FETCH_DENY`;
  const range = a.range();
  if (REFUSED_RANGES.has(range)) return `${a.toString()} is a ${range} address, which the server does not fetch from (MODELKEEP_FETCH_ALLOW opens a range)`;
  if (own().has(a.toString())) return `${a.toString()} is an address of this server, which it does not fetch from (MODELKEEP_FETCH_ALLOW opens a range)`;
  return undefined;
}
