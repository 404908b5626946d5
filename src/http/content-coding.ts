/** The content codings we keep precompressed, best first. */
export type ContentCoding = "br" | "gzip" | "identity";

const cache = new Map<string, ContentCoding>();

/**
 * Picks br, then gzip, else identity from Accept-Encoding (RFC 9110 §12.5.3), honouring `q=0`.
 * Readers send a handful of distinct header values, so the choice is memoized per value.
 */
export function chooseCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return "identity";
  const known = cache.get(acceptEncoding);
  if (known) return known;
  const chosen = negotiate(acceptEncoding);
  if (cache.size < 256) cache.set(acceptEncoding, chosen);
  return chosen;
}

function negotiate(header: string): ContentCoding {
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    weights.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (coding: string): number => weights.get(coding) ?? weights.get("*") ?? 0;
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0 || (weights.get("x-gzip") ?? 0) > 0) return "gzip";
  return "identity";
}
