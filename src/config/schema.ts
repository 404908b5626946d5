/**
 * The two YAML files as zod schemas, in the words ops write (snake_case, `10m`, `10MB`).
 * Structure plus per-value checks; rules that combine fields, entries or files (every/schedule,
 * duplicate ids, unknown categories) live in cross-check.ts, and turning text into numbers lives in build.ts. Kept free of
 * transforms so z.toJSONSchema can publish the very same shapes for editors (json-schema.ts).
 */
import * as z from "zod";
import { validate as isValidCron } from "node-cron";
import {
  BYTE_SIZE_HINT,
  BYTE_SIZE_PATTERN,
  DURATION_HINT,
  DURATION_PATTERN,
  parseByteSize,
  parseDuration,
} from "./duration.js";
import { isTimeZone } from "../zones/zone-clock.js";
import { isCidr } from "../net/address-guard.js";
import { BUILT_IN_DEFAULTS, withDefault } from "./defaults.js";

const D = BUILT_IN_DEFAULTS;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SOURCE_ID_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
export const RESERVED_CATEGORY_SLUG = "all";

const duration = z.string().regex(DURATION_PATTERN, DURATION_HINT);

/** `min` must not exceed `max` (and `default` must lie between them) where both are given. */
function orderedDurations(value: {
  min?: string | undefined;
  max?: string | undefined;
  default?: string | undefined;
}): boolean {
  const [min, max, fallback] = [value.min, value.max, value.default].map((d) =>
    d === undefined ? undefined : parseDuration(d),
  );
  if (min !== undefined && max !== undefined && min > max) return false;
  if (fallback !== undefined && ((min !== undefined && fallback < min) || (max !== undefined && fallback > max)))
    return false;
  return true;
}
const byteSize = z.string().regex(BYTE_SIZE_PATTERN, BYTE_SIZE_HINT);
const text = z.string().trim().min(1, "must not be empty");

/** A word or phrase must contain something to match: letters or digits. */
const phrase = z
  .string()
  .refine((value) => /[\p{L}\p{N}]/u.test(value), "must contain at least one letter or digit")
  .describe("A whole word or phrase; case- and accent-insensitive");

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** http(s): URLs, file: URLs, or a plain path (resolved against CONFIG_DIR later). */
export function isSourceUrl(value: string): boolean {
  if (value.trim() === "") return false;
  const scheme = URL_SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return true;
  if (scheme === "file") return true;
  return (scheme === "http" || scheme === "https") && URL.canParse(value);
}

function isContact(value: string): boolean {
  return /^(https?|mailto):/i.test(value) && URL.canParse(value);
}

const retention = z
  .strictObject({
    max_items: z
      .int()
      .min(1)
      .optional()
      .describe(withDefault("Keep at most this many items of the source", D.defaults.retention.max_items)),
    max_age: duration
      .optional()
      .describe(withDefault("Drop items published longer ago than this", D.defaults.retention.max_age)),
  })
  .describe("How long items of a source are kept");

const fetchLimits = z.strictObject({
  timeout: duration.optional().describe(withDefault("Whole-request timeout", D.defaults.fetch.timeout)),
  connect_timeout: duration.optional().describe(withDefault("Connection timeout", D.defaults.fetch.connect_timeout)),
  max_bytes: byteSize.optional().describe(withDefault("Largest response body accepted", D.defaults.fetch.max_bytes)),
  max_redirects: z
    .int()
    .min(0)
    .max(20)
    .optional()
    .describe(withDefault("Redirects followed", D.defaults.fetch.max_redirects)),
  allow_private_networks: z
    .boolean()
    .optional()
    .describe(
      withDefault(
        "Let URLs that upstream content or a redirect names (article links, redirects to another origin) reach private, loopback or link-local addresses",
        D.defaults.fetch.allow_private_networks,
        "a source's own configured origin is always allowed",
      ),
    ),
  allowed_networks: z
    .array(z.string().refine(isCidr, "expected an IP address or a CIDR block like 10.0.0.0/8"))
    .optional()
    .describe(
      withDefault("CIDR blocks such URLs may reach anyway, e.g. [10.0.0.0/8]", D.defaults.fetch.allowed_networks),
    ),
  allowed_file_dirs: z
    .array(text)
    .optional()
    .describe(
      withDefault(
        "Directories file: sources may read besides the config directory, relative ones against it",
        D.defaults.fetch.allowed_file_dirs,
      ),
    ),
});

/** `base` must not exceed `cap` where both are given. */
function baseWithinCap(value: { base?: string | undefined; cap?: string | undefined }): boolean {
  const [base, cap] = [value.base, value.cap].map((d) => (d === undefined ? undefined : parseDuration(d)));
  return base === undefined || cap === undefined || base <= cap;
}

const backoff = z
  .strictObject({
    base: duration
      .optional()
      .describe(
        withDefault("Wait after a source's first failure; it doubles with each further one", D.defaults.backoff.base),
      ),
    cap: duration
      .optional()
      .describe(
        withDefault("Longest wait, however many failures; also caps an upstream Retry-After", D.defaults.backoff.cap),
      ),
  })
  .refine(baseWithinCap, "`base` must not be longer than `cap`")
  .describe("Exponential backoff with jitter for failing sources");

const defaults = z.strictObject({
  every: duration
    .optional()
    .describe(withDefault("Interval for sources without `every` or `schedule`", D.defaults.every)),
  retention: retention.optional(),
  fetch: fetchLimits.optional(),
  backoff: backoff.optional(),
  contact: z
    .string()
    .refine(isContact, "expected an http(s): or mailto: URL where upstream admins can reach the operator")
    .optional()
    .describe(withDefault("Put into the User-Agent so upstream admins can reach the operator", D.defaults.contact)),
});

const worker = z.strictObject({
  concurrency: z.int().min(1).max(64).optional().describe(withDefault("Sources fetched at once", D.worker.concurrency)),
  per_host: z.int().min(1).max(16).optional().describe(withDefault("Requests at once to one host", D.worker.per_host)),
  parse_threads: z
    .int()
    .min(1)
    .max(16)
    .optional()
    .describe(
      "Worker threads that parse upstream documents off the serving thread (default: the cores beyond the first, at most 2); takes effect after a restart",
    ),
  parse_timeout: duration
    .refine(
      (value) => (parseDuration(value) ?? 0) >= 1000,
      "must be at least 1s: an ordinary page takes tens of milliseconds, a large one a second",
    )
    .optional()
    .describe(
      withDefault(
        "Longest one document may take on its parse thread; past it the thread is replaced and the document fails its source",
        D.worker.parse_timeout,
      ),
    ),
});

const publish = z.strictObject({
  max_age: z
    .strictObject({
      min: duration.optional().describe(withDefault("Shortest Cache-Control max-age of a feed", D.publish.max_age.min)),
      max: duration.optional().describe(withDefault("Longest Cache-Control max-age of a feed", D.publish.max_age.max)),
    })
    .refine(orderedDurations, "`min` must not be longer than `max`")
    .optional()
    .describe("Feeds may be cached until their sources are next due, within these bounds"),
  cache_max_bytes: byteSize
    .refine(
      (value) => (parseByteSize(value) ?? Number.POSITIVE_INFINITY) >= 1024 ** 2,
      "must be at least 1MB: a smaller cache re-renders nearly every poll",
    )
    .optional()
    .describe(
      withDefault(
        "Memory for rendered feeds (body + gzip + brotli of every variant kept), least recently used evicted first",
        D.publish.cache_max_bytes,
      ),
    ),
});

const websub = z.strictObject({
  lease: z
    .strictObject({
      default: duration
        .optional()
        .describe(withDefault("Lease when the subscriber asks for none", D.websub.lease.default)),
      min: duration.optional().describe(withDefault("Shortest lease granted", D.websub.lease.min)),
      max: duration.optional().describe(withDefault("Longest lease granted", D.websub.lease.max)),
    })
    .refine(orderedDurations, "leases must satisfy min ≤ default ≤ max")
    .optional(),
  allow_private_callbacks: z
    .boolean()
    .optional()
    .describe(
      withDefault(
        "Allow callbacks on private, loopback or link-local addresses",
        D.websub.allow_private_callbacks,
        "the hub must not reach into the network",
      ),
    ),
  allowed_callback_networks: z
    .array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, "expected a CIDR block like 10.0.0.0/8"))
    .optional()
    .describe(withDefault("CIDR blocks callbacks may reach anyway", D.websub.allowed_callback_networks)),
  external_hubs: z
    .array(z.string().refine((value) => /^https?:/i.test(value) && URL.canParse(value), "expected an http(s): URL"))
    .optional()
    .describe(withDefault("Other WebSub hubs to advertise and to ping when a feed changes", D.websub.external_hubs)),
  max_subscriptions_per_host: z
    .int()
    .min(1)
    .optional()
    .describe(
      withDefault(
        "Live subscriptions whose callbacks are on one host; a new one beyond it is refused with 403",
        D.websub.max_subscriptions_per_host,
      ),
    ),
  max_subscriptions: z
    .int()
    .min(1)
    .optional()
    .describe(
      withDefault(
        "Live subscriptions in all: each costs a POST of its feed on every change; a new one beyond it is refused with 403",
        D.websub.max_subscriptions,
      ),
    ),
});

const commonSourceFields = {
  id: z
    .string()
    .regex(SOURCE_ID_PATTERN, "expected a lowercase slug like walaw-world (letters, digits, - or _)")
    .describe("Unique, stable slug: item ids and metrics use it"),
  url: z
    .string()
    .refine(isSourceUrl, "expected an http(s): URL, or a file path relative to the config directory")
    .describe("http(s): URL, or a file path / file: URL relative to the config directory"),
  every: duration.optional().describe("Run at this interval (30s, 10m, 1h, 1d)"),
  schedule: z
    .string()
    .refine((cron) => isValidCron(cron), 'expected a cron expression like "*/10 * * * *"')
    .optional()
    .describe("Run on this cron schedule (node-cron syntax) instead of `every`"),
  categories: z.array(z.string()).optional().describe("Every item of this source gets these category slugs"),
  enabled: z.boolean().optional().describe(withDefault("Collect this source", D.source.enabled)),
  retention: retention.optional(),
};

const timeZone = z
  .string()
  .refine(isTimeZone, "expected an IANA time zone like Africa/Casablanca")
  .describe("IANA time zone of the page's wall-clock times");

const selector = z.string().trim().min(1, "must not be empty").describe("CSS selector");

const feedSource = z
  .strictObject({ kind: z.literal("feed"), ...commonSourceFields })
  .describe("An RSS, Atom or JSON Feed");

const htmlArticlesSource = z
  .strictObject({
    kind: z.literal("html-articles"),
    ...commonSourceFields,
    timezone: timeZone.optional().describe("IANA time zone of article dates printed without one (else read as UTC)"),
    // Without select (or select.link) the listing's article links are detected; see the README.
    select: z
      .strictObject({
        item: selector.optional(),
        time: selector.optional(),
        title: selector.optional(),
        link: selector.optional().describe("CSS selector of the article links; detected when absent"),
        body: selector.optional(),
      })
      .refine((select) => select.link !== undefined || select.body !== undefined, {
        message: "html-articles reads select.link and select.body only: give one, or drop select to detect links",
      })
      .optional(),
    max_articles: z
      .int()
      .min(1)
      .max(500)
      .optional()
      .describe(withDefault("Article pages fetched per pass", D.htmlArticles.max_articles)),
    refresh: z
      .boolean()
      .optional()
      .describe(withDefault("Re-fetch article pages already stored", D.htmlArticles.refresh)),
  })
  .describe("A listing page whose links lead to article pages");

const htmlTickerSource = z
  .strictObject({
    kind: z.literal("html-ticker"),
    ...commonSourceFields,
    timezone: timeZone,
    select: z
      .strictObject({
        item: selector.describe("One ticker line"),
        time: selector.describe("The line's HH:MM time (the line itself when the time is inline)"),
        title: selector.optional().describe("The headline; default: the line's text without its time"),
        link: selector.optional(),
        body: selector.optional(),
      })
      .optional()
      .describe("Omit to detect the ticker: the block of 'HH:MM headline' lines, preferring one headed 'Latest News'"),
  })
  .describe("A page of short timestamped headlines");

export const sourceSchema = z.discriminatedUnion("kind", [feedSource, htmlArticlesSource, htmlTickerSource]);

export const sourcesFileSchema = z
  .strictObject({
    defaults: defaults.optional(),
    worker: worker.optional(),
    publish: publish.optional(),
    websub: websub.optional(),
    sources: z.array(sourceSchema),
  })
  .describe("news-feed-publisher: upstream sources (config/sources.yaml)");

const rule = z
  .strictObject({
    sources: z.array(z.string()).min(1).optional().describe("Every item of these sources"),
    tags: z.array(text).min(1).optional().describe("Upstream categories/tags, whole tag, case-insensitive"),
    keywords: z.array(phrase).min(1).optional().describe("A whole word or phrase in the title or summary"),
    places: z
      .array(z.enum(["abroad", "morocco"]))
      .min(1)
      .optional()
      .describe(
        "A place named in the title or summary: abroad (outside Morocco) or morocco; countries, demonyms, capitals and cities from a maintained dataset",
      ),
    with: z.array(phrase).min(1).optional().describe("…and also one of these words or phrases"),
    without: z.array(phrase).min(1).optional().describe("…and none of these words or phrases"),
  })
  .superRefine((value, ctx) => {
    if (
      value.sources === undefined &&
      value.tags === undefined &&
      value.keywords === undefined &&
      value.places === undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          value.with === undefined && value.without === undefined
            ? "a rule needs at least one of sources, tags, keywords or places"
            : "`with` and `without` only narrow a rule: add sources, tags, keywords or places",
      });
    }
  })
  .describe("A match rule: its fields are ANDed; a category's rules are ORed");

const category = z.strictObject({
  slug: z
    .string()
    .regex(SLUG_PATTERN, "expected a lowercase slug like morocco-economy (letters, digits and single hyphens)")
    .refine((slug) => slug !== RESERVED_CATEGORY_SLUG, '"all" is reserved for the feed of every item')
    .describe("Used in feed URLs: /feeds/{slug}.rss"),
  title: text,
  description: z.string(),
  match: z.array(rule).describe("Any one rule is enough"),
  exclude: z.array(phrase).optional().describe("Any of these words or phrases vetoes the category"),
  exclude_unless: z
    .array(phrase)
    .min(1)
    .optional()
    .describe(
      "…except when one of these words or phrases is there too (a sport word does not veto sanctions or a war)",
    ),
});

export const categoriesFileSchema = z
  .strictObject({
    site: z
      .strictObject({
        title: text
          .optional()
          .describe(withDefault("Site title, shown on the index page and in the OPML list", D.site.title)),
        description: text.optional().describe(withDefault("Description of the site", D.site.description)),
        language: z
          .string()
          .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "expected a language tag like en or en-GB")
          .optional()
          .describe(withDefault("Language of the feeds", D.site.language)),
      })
      .optional(),
    categories: z.array(category),
  })
  .describe("news-feed-publisher: categories (config/categories.yaml)");

export type SourcesFile = z.infer<typeof sourcesFileSchema>;
export type SourceEntry = z.infer<typeof sourceSchema>;
export type CategoriesFile = z.infer<typeof categoriesFileSchema>;

/** Fields some source kind accepts, so an unknown field can be explained ("not used by kind feed"). */
export const KIND_SPECIFIC_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ["timezone", ["html-articles", "html-ticker"]],
  ["select", ["html-articles", "html-ticker"]],
  ["max_articles", ["html-articles"]],
  ["refresh", ["html-articles"]],
]);
