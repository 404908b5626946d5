/**
 * The host a WebSub callback URL names, as subscriptions are counted per host (issue 9: one
 * subscriber must not hold the whole hub): the WHATWG host name, lower-case, without port or
 * credentials (`[::1]` for IPv6), so other ports or spellings of one host count together. A URL
 * that does not parse has the empty host.
 */
export function callbackHost(callback: string): string {
  return URL.canParse(callback) ? new URL(callback).hostname : "";
}
