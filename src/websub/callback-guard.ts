import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/** One address a callback host resolved to; requests are pinned to it (see callback-request.ts). */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to (node:dns `lookup` with `all: true` by default). */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface CallbackGuardOptions {
  /** Let callbacks reach any address (a hub inside a private network talking to its own readers). */
  readonly allowPrivateCallbacks: boolean;
  /** CIDR blocks allowed even though they are not public, e.g. `127.0.0.1/32` or `fd00:1::/64`. */
  readonly allowedNetworks?: readonly string[];
  readonly resolve?: Resolve;
}

/**
 * Checks a callback URL and resolves the address a request to it will use. Subscribers name
 * arbitrary URLs, so without this the hub would fetch and POST into the operator's own network
 * for anyone (SSRF). Every resolved address must be public: a host that also resolves to a
 * private one is refused, since the connection could land on either.
 */
export interface CallbackGuard {
  /** Throws CallbackRefused; otherwise the address to connect to. */
  check(url: URL): Promise<ResolvedAddress>;
}

export class CallbackRefused extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`websub: ${message}`, options);
    this.name = "CallbackRefused";
  }
}

export function createCallbackGuard(options: CallbackGuardOptions): CallbackGuard {
  const allowed = allowList(options.allowedNetworks ?? []);
  const resolve = options.resolve ?? resolveWithDns;
  return {
    async check(url) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new CallbackRefused(`callback scheme ${url.protocol} is not http: or https:`);
      }
      const addresses = await resolveHost(hostOf(url), resolve);
      const first = addresses[0];
      if (first === undefined) throw new CallbackRefused(`callback host ${url.hostname} resolves to no address`);
      if (options.allowPrivateCallbacks) return first;
      for (const candidate of addresses) {
        if (!isPublicAddress(candidate.address) && !allowed.check(candidate.address, familyName(candidate))) {
          throw new CallbackRefused(`callback host ${url.hostname} resolves to non-public address ${candidate.address}`);
        }
      }
      return first;
    },
  };
}

/** WHATWG URL keeps IPv6 literals bracketed (`[::1]`); resolvers and isIP want them bare. */
function hostOf(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

async function resolveHost(host: string, resolve: Resolve): Promise<readonly ResolvedAddress[]> {
  const family = isIP(host);
  if (family === 4 || family === 6) return [{ address: host, family }];
  try {
    return await resolve(host);
  } catch (cause) {
    throw new CallbackRefused(`callback host ${host} does not resolve`, { cause });
  }
}

async function resolveWithDns(hostname: string): Promise<readonly ResolvedAddress[]> {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

function familyName(address: ResolvedAddress): "ipv4" | "ipv6" {
  return address.family === 6 ? "ipv6" : "ipv4";
}

function allowList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [base = "", prefixText] = network.split("/");
    const type = isIP(base) === 6 ? "ipv6" : isIP(base) === 4 ? "ipv4" : undefined;
    const prefix = prefixText === undefined ? (type === "ipv6" ? 128 : 32) : Number(prefixText);
    if (type === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === "ipv6" ? 128 : 32)) {
      throw new CallbackRefused(`allowed network ${JSON.stringify(network)} is not an IP address or CIDR block`);
    }
    list.addSubnet(base, prefix, type);
  }
  return list;
}

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

const nonPublic = (() => {
  const list = new BlockList();
  for (const [base, prefix] of NON_PUBLIC_V4) list.addSubnet(base, prefix, "ipv4");
  for (const [base, prefix] of NON_PUBLIC_V6) list.addSubnet(base, prefix, "ipv6");
  return list;
})();

/**
 * Whether an address is a globally reachable unicast address. IPv6 forms that carry an IPv4
 * address (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the
 * IPv4 address inside, so `::ffff:127.0.0.1` is loopback.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublic.check(address, "ipv4");
  if (family !== 6) return false;
  const bytes = ipv6Bytes(address);
  const embedded = embeddedIpv4(bytes);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return !nonPublic.check(address, "ipv6");
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
