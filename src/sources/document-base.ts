import type { CheerioAPI } from "cheerio";

/** `href` made absolute against `base` (any scheme), or undefined when it is empty or unparseable. */
export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  const cleaned = href?.trim().replace(/[\t\n\r]/g, "");
  if (cleaned === undefined || cleaned === "") return undefined;
  try {
    return new URL(cleaned, base).href;
  } catch {
    return undefined;
  }
}

/** The URL a document's relative references resolve against: its first `<base href>` (HTML §4.2.3), else its own URL. */
export function documentBase($: CheerioAPI, pageUrl: string): string {
  return absoluteUrl($("base[href]").first().attr("href"), pageUrl) ?? pageUrl;
}
