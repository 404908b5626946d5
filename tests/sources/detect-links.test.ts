/**
 * The link detector itself (src/sources/html-articles/detect-links.ts): why each link is left out,
 * and the select.link it proposes for pinning. Fixtures are read from disk; detection is pure.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectArticleLinks, suggestLinkSelector } from "../../src/sources/html-articles/detect-links.js";
import { readListingLinks } from "../../src/sources/html-articles/listing-page.js";
import { FIXTURES } from "./html-fixture-server.js";

const PAGE = "http://127.0.0.1:8080/";
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");
const at = (p: string): string => new URL(p, PAGE).href;

describe("detectArticleLinks", () => {
  const walaw = detectArticleLinks(fixture("walaw-like-home.html"), PAGE);
  const reasonOf = (url: string): string | undefined =>
    walaw.candidates.find((candidate) => candidate.url === url)?.rejected;

  it("keeps card links in page order, tracking parameters dropped, each once", () => {
    expect(walaw.links).toEqual([
      at("/articles/controversial_proposal_for_gaza_residents__relocation_sparks_criticism/GMWGWQXSMFXM"),
      at("/articles/bank_al_maghrib_keeps_key_rate_unchanged/GMXZQWRTPLKS"),
      at("/article/GMFWWMRWLQGR"),
      at("/articles/casablanca_tram_extension_opens_to_passengers/GMQPLXWZRTSA"),
    ]);
  });

  it("says why every other link was left out", () => {
    expect(reasonOf(at("/articles/moroccan_dirham_gains_against_the_euro/GQWLRMXSPTZA"))).toBe("excluded-region"); // header ticker
    expect(reasonOf(at("/articles/sponsored_bank_offer_open_your_account_today/ADVRTSPNSRED"))).toBe("excluded-region"); // ad slot
    expect(reasonOf(at("/articles/casablanca_tram_extension_opens_to_passengers/GMQPLXWZRTSA?share=whatsapp"))).toBe(
      "excluded-region",
    );
    expect(reasonOf(at("/articles/most_read_story_of_the_week_in_morocco/GMZZQWXLPRTA"))).toBe("excluded-region"); // footer
    expect(reasonOf(at("/categorie/world/WRLDPQXZT"))).toBe("listing-url");
    expect(reasonOf(at("/latest-news?page=2"))).toBe("listing-url");
    // In the nav, and as a section heading's link: a two-word top-level path names a section.
    expect(walaw.candidates.filter((c) => c.url === at("/latest-news")).map((c) => c.rejected)).toEqual([
      "excluded-region",
      "not-article-like",
    ]);
    expect(reasonOf(at("/about/our_editorial_charter_and_values"))).toBe("one-off");
    expect(reasonOf(at("/media/annual_press_freedom_report_2025.pdf"))).toBe("file");
    expect(reasonOf("https://www.facebook.com/sharer/sharer.php?u=x")).toBe("other-site");
    expect(reasonOf("mailto:desk@walaw.example")).toBe("not-web");
    expect(walaw.candidates).toHaveLength(28);
  });

  it("groups one-word slugs before an id with the listing's other articles (regression: one-off)", () => {
    const html = `<main>${["rains", "budget", "tram"].map((slug, i) => `<p><a href="/articles/${slug}/GMWGWQXSMFX${"ABC"[i] ?? ""}">Story ${slug}</a></p>`).join("")}</main>`;
    const detected = detectArticleLinks(html, PAGE);
    expect(detected.candidates.map((c) => c.pattern)).toEqual([
      "/articles/{slug}/{id}",
      "/articles/{slug}/{id}",
      "/articles/{slug}/{id}",
    ]);
    expect(detected.links).toEqual([
      at("/articles/rains/GMWGWQXSMFXA"),
      at("/articles/budget/GMWGWQXSMFXB"),
      at("/articles/tram/GMWGWQXSMFXC"),
    ]);
  });

  it.each([
    ['<body class="tdc-footer-template">', "</body>"],
    ['<body><div class="page mobile-menu-closed">', "</div></body>"],
    ['<body><div class="site has-ads">', "</div></body>"],
  ])("keeps article links under a page-wide class %s (regression: every link was excluded)", (open, close) => {
    const cards = ["rains", "budget", "tram"].map(
      (slug, i) =>
        `<article><h2><a href="/articles/${slug}_story_today/GMWGWQXSMFX${"ABC"[i] ?? ""}">Story</a></h2></article>`,
    );
    const html = `<html>${open}<nav><a href="/articles/nav_story_link/GMWGWQXSMFXD">Nav</a></nav><main>${cards.join("")}</main>${close}</html>`;
    const detected = detectArticleLinks(html, PAGE);
    expect(detected.links).toHaveLength(3);
    expect(detected.rejectedCounts).toEqual({ "excluded-region": 1 });
  });

  it("takes www. and subdomains of the page's host as the same site", () => {
    const html =
      '<main><h2><a href="https://example.org/2025/04/03/one-story-here/">1</a></h2><h2><a href="https://www.example.org/2025/04/02/another-story-here/">2</a></h2></main>';
    expect(detectArticleLinks(html, "https://en.example.org/").links).toHaveLength(2);
  });

  it("keeps a WordPress front page's posts, not day archives, more-links or sidebar posts", () => {
    const wordpress = detectArticleLinks(fixture("wordpress-like-blog.html"), PAGE);
    expect(wordpress.links).toEqual([
      at("/2025/04/03/bank-al-maghrib-holds-its-key-rate/"),
      at("/2025/04/02/saffron-prices-in-taliouine/"),
      at("/2025/03/28/the-copper-souk-of-fez-at-dawn/"),
    ]);
    expect(wordpress.rejectedCounts).toMatchObject({ "listing-url": 9, duplicate: 1, "one-off": 1 });
  });
});

describe("suggestLinkSelector", () => {
  it.each([
    ["wordpress-like-blog.html", ".entry-title a[href]"],
    ["walaw-like-home.html", ".card > a:not([class]), .card > h3 > a:not([class])"],
  ])("proposes for %s a select.link that picks exactly the detected links", (name, expected) => {
    const html = fixture(name);
    const detected = detectArticleLinks(html, PAGE);
    const selector = suggestLinkSelector(html, PAGE, detected);
    expect(selector).toBe(expected);
    expect(readListingLinks(html, PAGE, selector ?? "none").map((link) => link.replace(/\?.*$/, ""))).toEqual(
      detected.links,
    );
  });

  it("proposes the shared path when it alone picks the links", () => {
    const html =
      '<main><a href="/articles/one_long_story/ABCDEFGHJKLM">1</a><a href="/articles/two_long_story/BCDEFGHJKLMN">2</a><a href="/about">About</a></main>';
    expect(suggestLinkSelector(html, PAGE, detectArticleLinks(html, PAGE))).toBe('a[href*="/articles/"]');
  });
});
