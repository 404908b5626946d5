import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { isPublicAddress } from "./public-address.js";

/** One address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to (node:dns `lookup` with `all: true` by default). */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface AddressGuardOptions {
  /** Let any address through (a deployment inside a private network, reaching its own hosts). */
  readonly allowPrivate: boolean;
  /** CIDR blocks let through even though they are not public, e.g. `10.0.0.0/8` or `fd00:1::/64`. */
  readonly allowedNetworks?: readonly string[];
  readonly resolve?: Resolve;
}

/**
 * The one check between "someone else named this host" and a connection to it, used by the WebSub
 * hub (subscribers name callbacks) and by fetches of URLs that upstream content or a redirect
 * named. Without it a URL could steer us into the operator's own network (SSRF): a cloud metadata
 * service at 169.254.169.254, an admin port on 127.0.0.1. Every address a host resolves to must be
 * public or allowed: a host that also resolves to a private one is refused, since the connection
 * could land on either.
 */
export interface AddressGuard {
  /** The host's checked addresses; throws AddressRefused. IP literals are judged without DNS. */
  resolve(host: string): Promise<readonly ResolvedAddress[]>;
  /**
   * A `lookup` for http(s).request / net.connect that answers only with checked addresses, so the
   * address checked is the address connected to (no DNS-rebinding gap between check and connect).
   * net skips `lookup` for IP literals: check those with `resolve` before connecting.
   */
  readonly lookup: LookupFunction;
}

export class AddressRefused extends Error {
  readonly code = "EADDRREFUSED";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AddressRefused";
  }
}

export class AllowListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowListError";
  }
}

export function createAddressGuard(options: AddressGuardOptions): AddressGuard {
  const allowed = allowList(options.allowedNetworks ?? []);
  const resolveName = options.resolve ?? resolveWithDns;
  const permitted = (candidate: ResolvedAddress): boolean =>
    options.allowPrivate ||
    isPublicAddress(candidate.address) ||
    allowed.check(candidate.address, candidate.family === 6 ? "ipv6" : "ipv4");

  async function resolve(rawHost: string): Promise<readonly ResolvedAddress[]> {
    const host = bareHost(rawHost);
    const addresses = await resolveHost(host, resolveName);
    if (addresses.length === 0) throw new AddressRefused(`host ${host} resolves to no address`);
    for (const candidate of addresses) {
      if (!permitted(candidate))
        throw new AddressRefused(`host ${host} resolves to non-public address ${candidate.address}`);
    }
    return addresses;
  }

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted =
          lookupOptions.family === 4 || lookupOptions.family === 6
            ? addresses.filter((a) => a.family === lookupOptions.family)
            : addresses;
        const first = wanted[0];
        if (first === undefined) {
          callback(new AddressRefused(`host ${hostname} has no IPv${String(lookupOptions.family)} address`), "", 4);
          return;
        }
        if (lookupOptions.all)
          callback(
            null,
            wanted.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, "", 4),
    );
  };
  return { resolve, lookup };
}

/** Whether `value` is an IP address or a CIDR block the allow-lists accept. */
export function isCidr(value: string): boolean {
  try {
    allowList([value]);
    return true;
  } catch {
    return false;
  }
}

/** WHATWG URL keeps IPv6 literals bracketed (`[::1]`); resolvers and isIP want them bare. */
function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

async function resolveHost(host: string, resolve: Resolve): Promise<readonly ResolvedAddress[]> {
  const family = isIP(host);
  if (family === 4 || family === 6) return [{ address: host, family }];
  try {
    return await resolve(host);
  } catch (cause) {
    throw new AddressRefused(`host ${host} does not resolve`, { cause });
  }
}

async function resolveWithDns(hostname: string): Promise<readonly ResolvedAddress[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
}

function allowList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const network of networks) {
    const [base = "", prefixText] = network.split("/");
    const type = isIP(base) === 6 ? "ipv6" : isIP(base) === 4 ? "ipv4" : undefined;
    const prefix =
      prefixText === undefined
        ? type === "ipv6"
          ? 128
          : 32
        : /^\d{1,3}$/.test(prefixText)
          ? Number(prefixText)
          : Number.NaN;
    if (type === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === "ipv6" ? 128 : 32)) {
      throw new AllowListError(`net: allowed network ${JSON.stringify(network)} is not an IP address or CIDR block`);
    }
    list.addSubnet(base, prefix, type);
  }
  return list;
}
