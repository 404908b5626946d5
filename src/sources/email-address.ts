/**
 * An upstream author email as feeds can carry it: RSS `<author>` must start with one (RSS 2.0
 * §item) and Atom `<email>` must be an addr-spec (RFC 4287 §3.2.3, RFC 5322 §3.4.1). The check is
 * the dot-atom form, with the local-part characters the W3C Feed Validator accepts and a domain
 * of LDH labels ending in a letter TLD. "jane at example dot com", "jane@localhost" or
 * "<jane@example.com>" are not addresses we can publish.
 */
const ADDR_SPEC =
  /^[A-Za-z0-9_+'-]+(?:\.[A-Za-z0-9_+'-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** The address (a `mailto:` prefix dropped, RFC 6068), or undefined when it is not a valid one. */
export function emailAddress(value: string | undefined): string | undefined {
  const address = value?.trim().replace(/^mailto:/i, "");
  return address !== undefined && ADDR_SPEC.test(address) ? address : undefined;
}
