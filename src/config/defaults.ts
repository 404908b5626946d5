/**
 * Every built-in default of config/sources.yaml and categories.yaml, stated once, in the words ops
 * write (`15m`, `10MB`) and at the YAML paths they would write them: build.ts applies them,
 * schema.ts quotes them in the field descriptions (and so in the JSON Schemas editors show), and
 * code that needs a default without a loaded config takes it from what build.ts makes of them.
 */
export const BUILT_IN_DEFAULTS = {
  defaults: {
    every: "15m",
    retention: { max_items: 1000, max_age: "90d" },
    fetch: {
      timeout: "20s",
      connect_timeout: "5s",
      max_bytes: "10MB",
      max_redirects: 5,
      allow_private_networks: false,
      allowed_networks: [],
      allowed_file_dirs: [],
    },
    backoff: { base: "1m", cap: "6h" },
    contact: "https://github.com/news-feed-publisher",
  },
  worker: { concurrency: 4, per_host: 1, parse_timeout: "15s" },
  publish: { max_age: { min: "30s", max: "15m" }, cache_max_bytes: "64MB" },
  websub: {
    lease: { default: "10d", min: "1h", max: "30d" },
    allow_private_callbacks: false,
    allowed_callback_networks: [],
    external_hubs: [],
    // Every subscription is a POST of its whole feed per change (issue 9): a reader service
    // subscribing to each feed fits under the host cap; the total keeps a change's fan-out bounded.
    max_subscriptions_per_host: 50,
    max_subscriptions: 1000,
  },
  source: { enabled: true },
  htmlArticles: { max_articles: 20, refresh: false },
  site: { title: "News feeds", description: "News collected from upstream sites, by category", language: "en" },
} as const;

/**
 * A field description that names its default, the same way everywhere: `Interval … (default 15m)`,
 * or `(default false; <note>)` when the default needs a word of explanation.
 */
export function withDefault(
  description: string,
  value: string | number | boolean | readonly string[],
  note?: string,
): string {
  const shown = typeof value === "object" ? (value.length === 0 ? "none" : `[${value.join(", ")}]`) : String(value);
  return `${description} (default ${shown}${note === undefined ? "" : `; ${note}`})`;
}
