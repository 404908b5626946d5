import { describe, expect, it } from "vitest";
import { redactUrl, redactUrlsIn } from "../../src/net/redact-url.js";

describe("redactUrl", () => {
  it.each([
    ["https://alice:s3cret@feeds.example.org/world/rss", "https://***@feeds.example.org/world/rss"],
    ["https://alice@feeds.example.org/", "https://***@feeds.example.org/"],
    ["https://feeds.example.org/rss?api_key=K&lang=en", "https://feeds.example.org/rss?api_key=***&lang=en"],
    [
      "https://x.org/?KEY=1&ApiKey=2&api-key=3&Token=4&access_token=5&secret=6&password=7&sig=8&signature=9&page=2",
      "https://x.org/?KEY=***&ApiKey=***&api-key=***&Token=***&access_token=***&secret=***&password=***&sig=***&signature=***&page=2",
    ],
    ["https://u:p@x.org:8443/a?token=t#frag", "https://***@x.org:8443/a?token=***#frag"],
    ["https://x.org/a?keyword=kept&monkey=kept", "https://x.org/a?keyword=kept&monkey=kept"],
    ["/admin/reload?token=abc", "/admin/reload?token=***"],
    [
      "/x?admin_token=a&client_secret=b&x-api-key=c&sort=d",
      "/x?admin_token=***&client_secret=***&x-api-key=***&sort=d",
    ],
    ["file:///srv/config/sample/news.xml", "file:///srv/config/sample/news.xml"],
  ])("%s → %s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe("redactUrlsIn", () => {
  it("redacts every URL in a message and keeps the punctuation after it", () => {
    expect(redactUrlsIn("fetch: https://a:b@h.org/x?token=t: HTTP 500 (see https://h.org/y?sig=s).")).toBe(
      "fetch: https://***@h.org/x?token=***: HTTP 500 (see https://h.org/y?sig=***).",
    );
  });
});
