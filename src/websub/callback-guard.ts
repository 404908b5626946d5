import { AddressRefused, createAddressGuard, type ResolvedAddress, type Resolve } from "../net/address-guard.js";

export { isPublicAddress } from "../net/public-address.js";
export type { ResolvedAddress, Resolve } from "../net/address-guard.js";

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
 * for anyone (SSRF). The address rules are the shared ones (src/net/address-guard.ts), the same
 * the collector applies to URLs upstream content names.
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
  let guard: ReturnType<typeof createAddressGuard>;
  try {
    guard = createAddressGuard({
      allowPrivate: options.allowPrivateCallbacks,
      allowedNetworks: options.allowedNetworks ?? [],
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
  } catch (cause) {
    throw new CallbackRefused(cause instanceof Error ? cause.message.replace(/^net: /, "") : String(cause), { cause });
  }
  return {
    async check(url) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new CallbackRefused(`callback scheme ${url.protocol} is not http: or https:`);
      }
      try {
        const [first] = await guard.resolve(url.hostname);
        if (first === undefined) throw new AddressRefused(`host ${url.hostname} resolves to no address`);
        return first;
      } catch (error) {
        if (!(error instanceof AddressRefused)) throw error;
        throw new CallbackRefused(`callback ${error.message}`, { cause: error });
      }
    },
  };
}
