/**
 * URL resolution at the edge: every URL that leaves `sources/` is absolute http(s) (docs/ARCHITECTURE.md
 * "Normalize once"). Relative references resolve per RFC 3986 §5.2 against the nearest base.
 */

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/** `href` resolved against `base`; undefined unless the result is an absolute http(s) URL. */
export function resolveUrl(href: string | undefined, base: string): string | undefined {
  if (href === undefined) return undefined;
  // Strip what HTML's URL parser would ignore anyway; feeds put newlines and tabs inside hrefs.
  const cleaned = href.trim().replace(/[\t\n\r]/g, "");
  if (cleaned === "") return undefined;
  let url: URL;
  try {
    url = base === "" ? new URL(cleaned) : new URL(cleaned, base);
  } catch {
    return undefined;
  }
  return WEB_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

/** True when `url` is an absolute http(s) URL, i.e. usable as a base for relative references. */
export function isWebUrl(url: string | undefined): url is string {
  return url !== undefined && resolveUrl(url, "") !== undefined;
}

/**
 * Resolve every candidate of an HTML `srcset` (HTML §4.8.4.3.1): comma-separated
 * `url [descriptor]` pairs; candidates that do not resolve are dropped.
 */
export function resolveSrcset(srcset: string, base: string): string {
  return srcset
    .split(/,\s+|,(?=\S+\s+\d)/)
    .map((candidate) => candidate.trim())
    .filter((candidate) => candidate !== "")
    .map((candidate) => {
      const [href, ...descriptors] = candidate.split(/\s+/);
      const resolved = resolveUrl(href, base);
      return resolved === undefined ? undefined : [resolved, ...descriptors].join(" ");
    })
    .filter((candidate): candidate is string => candidate !== undefined)
    .join(", ");
}
