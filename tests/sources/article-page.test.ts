/**
 * Metadata of one article page (src/sources/html-articles/article-page.ts) where real pages
 * mislead: dates of other stories in headers and sidebars, site names appended to og:title.
 */
import { describe, expect, it } from "vitest";
import { readArticlePage } from "../../src/sources/html-articles/article-page.js";

const URL = "https://news.example.org/article/1";

function page(head: string, body: string): string {
  return `<!doctype html><html lang="en"><head>${head}</head><body>${body}</body></html>`;
}

describe("readArticlePage metadata", () => {
  it("takes the article's own <time>, not the first on the page (regression: a header's date was the story's)", () => {
    const html = page(
      "<title>Port traffic grows | Maghreb Wire</title>",
      `<header><time datetime="2026-11-30T08:00:00Z">Today</time></header>
       <article><h1>Port traffic grows</h1><time datetime="2026-11-28T15:30:00+01:00">28 Nov</time><p>Tanger Med handled more containers.</p></article>`,
    );
    expect(readArticlePage(html, URL).raw.published).toBe("2026-11-28T15:30:00+01:00");
  });

  it("prefers schema.org microdata for published and modified dates", () => {
    const html = page(
      '<meta itemprop="dateModified" content="2026-11-29T10:00:00Z">',
      `<aside><time datetime="2026-01-01T00:00:00Z">Old</time></aside>
       <article><h1>Rates held</h1><time itemprop="datePublished" datetime="2026-11-28T09:00:00Z">28 Nov</time><p>Bank Al-Maghrib held rates.</p></article>`,
    );
    const { raw } = readArticlePage(html, URL);
    expect(raw.published).toBe("2026-11-28T09:00:00Z");
    expect(raw.updated).toBe("2026-11-29T10:00:00Z");
  });

  it("drops the site name from og:title when it is the page's og:site_name, and only then", () => {
    const named = (ogTitle: string): string | undefined =>
      readArticlePage(page(`<meta property="og:title" content="${ogTitle}"><meta property="og:site_name" content="Maghreb Wire">`, "<article><p>x</p></article>"), URL).raw.title;
    expect(named("Port traffic grows | Maghreb Wire")).toBe("Port traffic grows");
    expect(named("Port traffic grows — Maghreb Wire")).toBe("Port traffic grows");
    expect(named("Rabat - Casablanca high-speed line opens")).toBe("Rabat - Casablanca high-speed line opens");
  });
});
