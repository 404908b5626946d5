/**
 * Metadata of one article page (src/sources/html-articles/article-page.ts) where real pages
 * mislead: dates of other stories in headers and sidebars, site names appended to og:title.
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../../src/sources/dates.js";
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
      readArticlePage(
        page(
          `<meta property="og:title" content="${ogTitle}"><meta property="og:site_name" content="Maghreb Wire">`,
          "<article><p>x</p></article>",
        ),
        URL,
      ).raw.title;
    expect(named("Port traffic grows | Maghreb Wire")).toBe("Port traffic grows");
    expect(named("Port traffic grows — Maghreb Wire")).toBe("Port traffic grows");
    expect(named("Rabat - Casablanca high-speed line opens")).toBe("Rabat - Casablanca high-speed line opens");
  });
});

/** An en.walaw.press-like page: no date or author markup, a ticker and a clock above the headline, the date line under it. */
function walawLike(dateLine: string, extraHead = ""): string {
  return page(
    `<title>Rates held | Walaw</title>${extraHead}`,
    `<header><nav><a href="/">Home</a></nav><div class="clock">Wednesday 02 April 2025 - 09:12</div>
       <ul class="ticker"><li>16:40 Port traffic grows</li></ul></header>
     <main><h1>Bank Al-Maghrib keeps its key rate</h1>
       <div class="meta"><span>By: Hassan Alaoui</span> <span class="date">${dateLine}</span></div>
       <p>The central bank held its rate at 2.25%.</p></main>`,
  );
}

const CASABLANCA = { timeZone: "Africa/Casablanca" };
const publishedOf = (html: string, options = {}): string | undefined => {
  const published = readArticlePage(html, URL, options).raw.published;
  const t = parseDate(typeof published === "string" ? published : undefined);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe("readArticlePage dates without a zone", () => {
  it("reads the date line under the headline in the source's timezone (Casablanca was UTC+01 on 10 April 2025)", () => {
    expect(publishedOf(walawLike("Thursday 10 April 2025 - 17:00"), CASABLANCA)).toBe("2025-04-10T16:00:00.000Z");
  });

  it("follows the zone's offset changes in the npm tz data: Ramadan 2025 and the permanent UTC+00 since 2026-09-20", () => {
    // Morocco suspended UTC+01 for Ramadan from 2025-02-23 to 2025-04-06.
    expect(publishedOf(walawLike("Thursday 03 April 2025 - 17:00"), CASABLANCA)).toBe("2025-04-03T17:00:00.000Z");
    expect(publishedOf(walawLike("Thursday 03 December 2026 - 17:00"), CASABLANCA)).toBe("2026-12-03T17:00:00.000Z");
    expect(publishedOf(walawLike("Wednesday 10 June 2026 - 17:00"), CASABLANCA)).toBe("2026-06-10T16:00:00.000Z");
  });

  it("reads zone-less dates as UTC without timezone:, as before", () => {
    expect(publishedOf(walawLike("Thursday 10 April 2025 - 17:00"))).toBe("2025-04-10T17:00:00.000Z");
  });

  it("applies the zone to zone-less ISO dates in meta, microdata and <time datetime>", () => {
    expect(
      publishedOf(walawLike("", '<meta property="article:published_time" content="2025-04-10 17:00">'), CASABLANCA),
    ).toBe("2025-04-10T16:00:00.000Z");
    expect(
      publishedOf(
        page("", '<article><h1>x</h1><time datetime="2025-04-10T17:00">10 Apr</time><p>x</p></article>'),
        CASABLANCA,
      ),
    ).toBe("2025-04-10T16:00:00.000Z");
    expect(
      publishedOf(page("", '<meta itemprop="datePublished" content="2025-04-10T17:00:30"><h1>x</h1>'), CASABLANCA),
    ).toBe("2025-04-10T16:00:30.000Z");
  });

  it("keeps a date's own zone whatever timezone: says", () => {
    const html = walawLike("", '<meta property="article:published_time" content="2025-04-03T17:00:00+02:00">');
    expect(publishedOf(html, CASABLANCA)).toBe("2025-04-03T15:00:00.000Z");
    expect(publishedOf(walawLike("Thu, 10 Apr 2025 17:00:00 GMT"), CASABLANCA)).toBe("2025-04-10T17:00:00.000Z");
  });
});

describe("readArticlePage byline", () => {
  it('takes the visible "By: <name>" line as author when the markup names none', () => {
    expect(readArticlePage(walawLike("Thursday 03 April 2025 - 17:00"), URL).raw.authors).toEqual([
      { name: "Hassan Alaoui" },
    ]);
  });

  it("reads the name alone when the date line shares the byline's element", () => {
    const html = page(
      "",
      '<h1>x</h1><p class="meta">By: Hassan Alaoui <span>Thursday 10 April 2025 - 17:00</span></p>',
    );
    expect(readArticlePage(html, URL).raw.authors).toEqual([{ name: "Hassan Alaoui" }]);
  });

  it("prefers author metadata to the byline, and reads no author from prose starting with By", () => {
    expect(readArticlePage(walawLike("x", '<meta name="author" content="Salma Bennani">'), URL).raw.authors).toEqual([
      { name: "Salma Bennani" },
    ]);
    expect(readArticlePage(page("", "<h1>x</h1><p>By the numbers: exports rose.</p>"), URL).raw.authors).toEqual([]);
  });
});
