import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

/** What kind of address an IP is, for deciding whether webhooks may be sent to it. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'reserved';

/**
 * Every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries that is not globally
 * reachable (and a few that are but no receiver lives in: 192.0.0.0/24, 2001::/23), multicast,
 * and the cloud metadata addresses. The first match names the kind, so the narrow blocks come
 * first. IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) addresses are judged by the IPv4
 * address they carry; an IPv6 address outside global unicast (2000::/3) is refused as well.
 */
const specialBlocks: Array<[AddressKind, string, string]> = [
  ['metadata', '169.254.169.254/32', 'cloud metadata'],
  ['metadata', '100.100.100.200/32', 'cloud metadata'],
  ['metadata', 'fd00:ec2::254/128', 'cloud metadata'],
  ['reserved', '0.0.0.0/8', '"this network"'],
  ['private', '10.0.0.0/8', 'private-use'],
  ['private', '100.64.0.0/10', 'shared address space'],
  ['loopback', '127.0.0.0/8', 'loopback'],
  ['link-local', '169.254.0.0/16', 'link-local'],
  ['private', '172.16.0.0/12', 'private-use'],
  ['reserved', '192.0.0.0/24', 'IETF protocol assignments'],
  ['reserved', '192.0.2.0/24', 'documentation, TEST-NET-1'],
  ['reserved', '192.88.99.0/24', '6to4 relay anycast'],
  ['private', '192.168.0.0/16', 'private-use'],
  ['reserved', '198.18.0.0/15', 'benchmarking'],
  ['reserved', '198.51.100.0/24', 'documentation, TEST-NET-2'],
  ['reserved', '203.0.113.0/24', 'documentation, TEST-NET-3'],
  ['reserved', '224.0.0.0/4', 'multicast'],
  ['reserved', '240.0.0.0/4', 'reserved, limited broadcast'],
  ['loopback', '::1/128', 'loopback'],
  ['reserved', '::/128', 'unspecified'],
  ['reserved', '::/96', 'IPv4-compatible, deprecated'],
  ['reserved', '64:ff9b:1::/48', 'local-use NAT64'],
  ['reserved', '100::/64', 'discard-only'],
  ['reserved', '2001::/32', 'Teredo'],
  ['reserved', '2001::/23', 'IETF protocol assignments'],
  ['reserved', '2001:db8::/32', 'documentation'],
  ['reserved', '2002::/16', '6to4'],
  ['reserved', '3fff::/20', 'documentation'],
  ['reserved', '5f00::/16', 'segment routing SIDs'],
  ['private', 'fc00::/7', 'unique local'],
  ['link-local', 'fe80::/10', 'link-local'],
  ['reserved', 'fec0::/10', 'site-local, deprecated'],
  ['reserved', 'ff00::/8', 'multicast'],
];

interface Block {
  kind: AddressKind;
  name: string;
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

function ipv4Value(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(ip: string): bigint {
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Value(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address as a number and its width, or null when it is not an IP address. */
function parseAddress(ip: string): { value: bigint; bits: 32 | 128 } | null {
  const bare = ip.replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return { value: ipv4Value(bare), bits: 32 };
  if (version === 6) return { value: ipv6Value(bare), bits: 128 };
  return null;
}

const blocks: Block[] = specialBlocks.map(([kind, cidr, name]) => {
  const [net, prefix] = cidr.split('/') as [string, string];
  const parsed = parseAddress(net)!;
  return { kind, name, bits: parsed.bits, network: parsed.value, prefix: Number(prefix) };
});

function within(value: bigint, bits: number, network: bigint, prefix: number): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === network >> shift;
}

const IPV4_MAPPED = ipv6Value('::ffff:0:0');
const NAT64 = ipv6Value('64:ff9b::');
const GLOBAL_UNICAST = ipv6Value('2000::');

function describe(value: bigint, bits: 32 | 128): { kind: AddressKind; block: string } {
  if (bits === 128 && (within(value, 128, IPV4_MAPPED, 96) || within(value, 128, NAT64, 96))) {
    return describe(value & 0xffffffffn, 32);
  }
  for (const b of blocks) if (b.bits === bits && within(value, bits, b.network, b.prefix)) return { kind: b.kind, block: b.name };
  if (bits === 128 && !within(value, 128, GLOBAL_UNICAST, 3)) return { kind: 'reserved', block: 'not global unicast' };
  return { kind: 'public', block: 'global' };
}

/** The kind of one IP address and the special-purpose block it falls in. */
export function describeAddress(ip: string): { kind: AddressKind; block: string } {
  const parsed = parseAddress(ip);
  return parsed ? describe(parsed.value, parsed.bits) : { kind: 'reserved', block: 'not an IP address' };
}

/** Classifies one IP address (IPv4-mapped and NAT64 IPv6 count as the IPv4 address they carry). */
export function classifyAddress(ip: string): AddressKind {
  return describeAddress(ip).kind;
}

export interface UrlPolicy {
  /** Sandbox rules: http allowed, and loopback so local development works. */
  sandbox: boolean;
  /** BURSAR_WEBHOOK_ALLOW_PRIVATE: allow every address (never http in live mode). */
  allowPrivate: boolean;
}

/**
 * The URL policy for a workspace's webhooks and callbacks. Sandbox rules hold only when the
 * server itself runs in sandbox mode: a test key that outlived its sandbox (a data dir started
 * in sandbox, then served with BURSAR_SANDBOX=false) gets live rules.
 */
export function urlPolicy(config: { sandbox: boolean; webhooks: { allowPrivate: boolean } }, livemode: boolean): UrlPolicy {
  return { sandbox: config.sandbox && !livemode, allowPrivate: config.webhooks.allowPrivate };
}

/** Why a webhook may not connect to this address, or null when it may. */
export function refuseAddress(ip: string, policy: UrlPolicy): string | null {
  if (policy.allowPrivate) return null;
  const { kind, block } = describeAddress(ip);
  if (kind === 'public' || (kind === 'loopback' && policy.sandbox)) return null;
  return `resolves to a ${kind} address (${ip}, ${block}); set BURSAR_WEBHOOK_ALLOW_PRIVATE=true to allow it`;
}

/** Every address a host name has, from the system resolver (the one a connection would use). */
async function resolveHost(host: string): Promise<Array<{ address: string; family: number }>> {
  return lookup(host, { all: true, verbatim: true });
}

/**
 * Refuses a webhook URL: not https (http too in sandbox), carrying credentials, or resolving
 * to an address webhooks must not reach. Checked when the endpoint is registered and again
 * before every delivery; the delivery then connects through `pinnedLookup`, which judges the
 * addresses it connects to. Returns the reason it is refused, or null.
 */
export async function refuseUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (!policy.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await resolveHost(host)).map((a) => a.address);
    } catch {
      return `host ${host} does not resolve`;
    }
    for (const a of addresses) {
      const refused = refuseAddress(a, policy);
      if (refused) return refused;
    }
  }
  // After the address, so a URL wrong both ways is refused for the worse reason.
  if (url.protocol === 'http:' && !policy.sandbox) return 'must be an https URL in live mode';
  return null;
}

/** A connection refused by `pinnedLookup`; its message is the reason. */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_BURSAR_REFUSED_ADDRESS';
}

/**
 * A `lookup` for node:net that resolves the host once and judges every address it got: if
 * any is refused, the connection fails; otherwise the connection is handed exactly those
 * addresses. What is checked is what is connected to, so a name that resolves to a public
 * address at the check and to 127.0.0.1 at the send cannot slip through. (An IP literal
 * skips lookup; `refuseUrl` judges it and it cannot change.)
 */
export function pinnedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname)
      .then((all) => {
        for (const a of all) {
          const refused = refuseAddress(a.address, policy);
          if (refused) throw new RefusedAddressError(refused);
        }
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const usable = family ? all.filter((a) => a.family === family) : all;
        if (usable.length === 0) throw Object.assign(new Error(`host ${hostname} does not resolve`), { code: 'ENOTFOUND' });
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}
