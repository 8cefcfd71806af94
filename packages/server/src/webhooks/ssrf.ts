import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** What kind of address an IP is, for deciding whether webhooks may be sent to it. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'reserved';

const ranges: Array<[AddressKind, string, number, 'ipv4' | 'ipv6']> = [
  ['metadata', '169.254.169.254', 32, 'ipv4'],
  ['metadata', '100.100.100.200', 32, 'ipv4'],
  ['metadata', 'fd00:ec2::254', 128, 'ipv6'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['reserved', '0.0.0.0', 8, 'ipv4'],
  ['reserved', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['reserved', '::', 128, 'ipv6'],
  ['reserved', 'ff00::', 8, 'ipv6'],
];
const lists = new Map<AddressKind, BlockList>();
for (const [kind, net, prefix, type] of ranges) {
  let list = lists.get(kind);
  if (!list) lists.set(kind, (list = new BlockList()));
  list.addSubnet(net, prefix, type);
}
const order: AddressKind[] = ['metadata', 'loopback', 'private', 'link-local', 'reserved'];

/** Classifies one IP address (IPv4-mapped IPv6 counts as its IPv4 address). */
export function classifyAddress(ip: string): AddressKind {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1]! : ip;
  const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
  for (const kind of order) if (lists.get(kind)!.check(addr, type)) return kind;
  return 'public';
}

export interface UrlPolicy {
  /** Sandbox mode allows loopback so local development works. */
  sandbox: boolean;
  /** BURSAR_WEBHOOK_ALLOW_PRIVATE: allow every address. */
  allowPrivate: boolean;
}

/**
 * Refuses a webhook URL that is not http(s) or that resolves to an address webhooks must not
 * reach (loopback outside sandbox, private, link-local, metadata). Checked when the endpoint
 * is registered and again before every delivery, because DNS can change. Returns the reason
 * it is refused, or null.
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
  if (policy.allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `host ${host} does not resolve`;
  }
  for (const a of addresses) {
    const kind = classifyAddress(a);
    if (kind === 'public' || (kind === 'loopback' && policy.sandbox)) continue;
    return `resolves to a ${kind} address (${a}); set BURSAR_WEBHOOK_ALLOW_PRIVATE=true to allow it`;
  }
  return null;
}
