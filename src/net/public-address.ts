import { BlockList, isIP } from "node:net";

/**
 * Which IP addresses are globally reachable unicast addresses. Shared by everything that lets
 * an outside party choose where this service connects: WebSub callbacks (subscribers name them)
 * and URLs read from upstream content or redirects (upstreams name them).
 */

/**
 * IPv4 special-purpose blocks (RFC 6890 and its IANA registry): this-network, private (RFC 1918),
 * shared CGNAT (RFC 6598), loopback, link-local, IETF protocol assignments, documentation,
 * benchmarking (RFC 2544), multicast and reserved (including broadcast).
 */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

/**
 * IPv6 special-purpose blocks (RFC 6890, RFC 4291 §2.4): ::/96 holds unspecified, loopback and
 * the deprecated IPv4-compatible form; then local-use NAT64 (RFC 8215), discard-only (RFC 6666),
 * IETF protocol assignments (Teredo's obfuscated IPv4 among them), documentation, unique-local
 * (RFC 4193), link-local, deprecated site-local and multicast.
 */
const NON_PUBLIC_V6: ReadonlyArray<readonly [string, number]> = [
  ["::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

let nonPublicList: BlockList | undefined;

/** Built on first use, not at import (no work at import). */
function nonPublic(): BlockList {
  if (nonPublicList === undefined) {
    const list = new BlockList();
    for (const [base, prefix] of NON_PUBLIC_V4) list.addSubnet(base, prefix, "ipv4");
    for (const [base, prefix] of NON_PUBLIC_V6) list.addSubnet(base, prefix, "ipv6");
    nonPublicList = list;
  }
  return nonPublicList;
}

/**
 * Whether an address is a globally reachable unicast address. IPv6 forms that carry an IPv4
 * address (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the
 * IPv4 address inside, so `::ffff:127.0.0.1` is loopback. Anything that is not an IP address
 * (a host name) is not public: only resolved addresses can be judged.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublic().check(address, "ipv4");
  if (family !== 6) return false;
  const bytes = ipv6Bytes(address);
  const embedded = embeddedIpv4(bytes);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return !nonPublic().check(address, "ipv6");
}

function embeddedIpv4(bytes: readonly number[]): string | undefined {
  const startsWith = (prefix: readonly number[]): boolean => prefix.every((byte, i) => bytes[i] === byte);
  if (startsWith([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return bytes.slice(12).join(".");
  if (startsWith([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return bytes.slice(12).join(".");
  if (startsWith([0x20, 0x02])) return bytes.slice(2, 6).join(".");
  return undefined;
}

/** The 16 bytes of a valid IPv6 address (isIP already said it is one); a zone id is ignored. */
function ipv6Bytes(address: string): number[] {
  let text = address.split("%")[0] ?? "";
  const tail: number[] = [];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted.slice(1).map(Number));
    text = text.slice(0, dotted.index) + "0:0";
  }
  const [head = "", rest] = text.split("::");
  const groups = (part: string): number[] => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const hextets = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = hextets.flatMap((hextet) => [hextet >> 8, hextet & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
