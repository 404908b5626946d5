/**
 * A strict checker for JSON Feed 1.1 (https://jsonfeed.org/version/1.1), stricter than the spec
 * where the spec only recommends: no null anywhere, no empty strings, no deprecated `author`,
 * absolute http(s) URLs, RFC 3339 dates. Returns every problem as "path: message".
 */

const FEED_KEYS = new Set([
  "version",
  "title",
  "home_page_url",
  "feed_url",
  "description",
  "user_comment",
  "next_url",
  "icon",
  "favicon",
  "authors",
  "language",
  "expired",
  "hubs",
  "items",
]);
const ITEM_KEYS = new Set([
  "id",
  "url",
  "external_url",
  "title",
  "content_html",
  "content_text",
  "summary",
  "image",
  "banner_image",
  "date_published",
  "date_modified",
  "authors",
  "tags",
  "language",
  "attachments",
]);
const AUTHOR_KEYS = new Set(["name", "url", "avatar"]);
const ATTACHMENT_KEYS = new Set(["url", "mime_type", "title", "size_in_bytes", "duration_in_seconds"]);
const HUB_KEYS = new Set(["type", "url"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** type/subtype as RFC 6838 §4.2 names them. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/i;

type Json = Readonly<Record<string, unknown>>;

export function validateJsonFeed(document: unknown): string[] {
  const errors: string[] = [];
  const report = (path: string, message: string) => errors.push(`${path}: ${message}`);
  if (!isObject(document)) {
    report("$", "a feed is a JSON object");
    return errors;
  }
  checkNoNulls(document, "$", report);
  checkKeys(document, FEED_KEYS, "$", report);
  if (document.version !== "https://jsonfeed.org/version/1.1")
    report("$.version", "must be https://jsonfeed.org/version/1.1");
  requireString(document, "title", "$", report);
  for (const key of ["home_page_url", "feed_url", "next_url", "icon", "favicon"])
    optionalUrl(document, key, "$", report);
  for (const key of ["description", "user_comment", "language"]) optionalString(document, key, "$", report);
  if ("expired" in document && typeof document.expired !== "boolean") report("$.expired", "must be a boolean");
  checkAuthors(document, "$", report);
  checkHubs(document, report);
  if (!Array.isArray(document.items)) {
    report("$.items", "is required and must be an array");
    return errors;
  }
  const ids = new Set<string>();
  document.items.forEach((item: unknown, index) => checkItem(item, `$.items[${index}]`, ids, report));
  return errors;
}

type Report = (path: string, message: string) => void;

function checkItem(item: unknown, path: string, ids: Set<string>, report: Report): void {
  if (!isObject(item)) {
    report(path, "an item is an object");
    return;
  }
  checkKeys(item, ITEM_KEYS, path, report);
  if (typeof item.id !== "string" || item.id === "") report(`${path}.id`, "is required and must be a non-empty string");
  else if (ids.has(item.id)) report(`${path}.id`, `duplicates an earlier item id ${JSON.stringify(item.id)}`);
  else ids.add(item.id);
  for (const key of ["url", "external_url", "image", "banner_image"]) optionalUrl(item, key, path, report);
  for (const key of ["title", "content_html", "content_text", "summary", "language"])
    optionalString(item, key, path, report);
  if (!("content_html" in item) && !("content_text" in item)) report(path, "needs content_html or content_text");
  if (typeof item.summary === "string" && /<[a-z!/][^>]*>/i.test(item.summary))
    report(`${path}.summary`, "is plain text, not HTML");
  for (const key of ["date_published", "date_modified"]) {
    if (!(key in item)) continue;
    const value = item[key];
    if (typeof value !== "string" || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
      report(`${path}.${key}`, "must be an RFC 3339 date-time");
    }
  }
  checkAuthors(item, path, report);
  if ("tags" in item) {
    if (!Array.isArray(item.tags) || item.tags.some((tag) => typeof tag !== "string" || tag === "")) {
      report(`${path}.tags`, "must be an array of non-empty strings");
    }
  }
  if ("attachments" in item) checkAttachments(item.attachments, `${path}.attachments`, report);
}

function checkAuthors(owner: Json, path: string, report: Report): void {
  if ("author" in owner) report(`${path}.author`, "is JSON Feed 1.0; 1.1 uses authors");
  if (!("authors" in owner)) return;
  if (!Array.isArray(owner.authors) || owner.authors.length === 0) {
    report(`${path}.authors`, "must be a non-empty array");
    return;
  }
  owner.authors.forEach((author: unknown, index) => {
    const at = `${path}.authors[${index}]`;
    if (!isObject(author)) return report(at, "an author is an object");
    checkKeys(author, AUTHOR_KEYS, at, report);
    if (!("name" in author) && !("url" in author) && !("avatar" in author)) report(at, "needs name, url or avatar");
    optionalString(author, "name", at, report);
    optionalUrl(author, "url", at, report, ["http:", "https:", "mailto:"]);
    optionalUrl(author, "avatar", at, report);
  });
}

function checkHubs(feed: Json, report: Report): void {
  if (!("hubs" in feed)) return;
  if (!Array.isArray(feed.hubs) || feed.hubs.length === 0) return void report("$.hubs", "must be a non-empty array");
  feed.hubs.forEach((hub: unknown, index) => {
    const at = `$.hubs[${index}]`;
    if (!isObject(hub)) return report(at, "a hub is an object");
    checkKeys(hub, HUB_KEYS, at, report);
    requireString(hub, "type", at, report);
    if (!("url" in hub)) report(`${at}.url`, "is required");
    optionalUrl(hub, "url", at, report);
  });
}

function checkAttachments(attachments: unknown, path: string, report: Report): void {
  if (!Array.isArray(attachments) || attachments.length === 0) return report(path, "must be a non-empty array");
  attachments.forEach((attachment: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isObject(attachment)) return report(at, "an attachment is an object");
    checkKeys(attachment, ATTACHMENT_KEYS, at, report);
    if (!("url" in attachment)) report(`${at}.url`, "is required");
    optionalUrl(attachment, "url", at, report);
    if (typeof attachment.mime_type !== "string" || !MIME_TYPE.test(attachment.mime_type))
      report(`${at}.mime_type`, "is required and must be a MIME type");
    optionalString(attachment, "title", at, report);
    for (const key of ["size_in_bytes", "duration_in_seconds"]) {
      if (
        key in attachment &&
        (typeof attachment[key] !== "number" || !Number.isFinite(attachment[key]) || attachment[key] < 0)
      ) {
        report(`${at}.${key}`, "must be a non-negative number");
      }
    }
  });
}

/** Spec keys only; anything else must be an extension, whose name starts with `_`. */
function checkKeys(object: Json, allowed: ReadonlySet<string>, path: string, report: Report): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key) && !key.startsWith("_"))
      report(`${path}.${key}`, "is not a JSON Feed 1.1 key and has no _ prefix");
  }
}

function checkNoNulls(value: unknown, path: string, report: Report): void {
  if (value === null) return report(path, "is null; omit absent fields instead");
  if (Array.isArray(value)) value.forEach((entry: unknown, index) => checkNoNulls(entry, `${path}[${index}]`, report));
  else if (isObject(value))
    for (const [key, entry] of Object.entries(value)) checkNoNulls(entry, `${path}.${key}`, report);
}

function requireString(object: Json, key: string, path: string, report: Report): void {
  if (!(key in object)) report(`${path}.${key}`, "is required");
  optionalString(object, key, path, report);
}

function optionalString(object: Json, key: string, path: string, report: Report): void {
  if (!(key in object) || object[key] === null) return;
  if (typeof object[key] !== "string" || object[key] === "") report(`${path}.${key}`, "must be a non-empty string");
}

function optionalUrl(object: Json, key: string, path: string, report: Report, schemes = ["http:", "https:"]): void {
  if (!(key in object) || object[key] === null) return;
  const value = object[key];
  if (typeof value !== "string" || !URL.canParse(value) || !schemes.includes(new URL(value).protocol)) {
    report(`${path}.${key}`, `must be an absolute ${schemes.join("/")} URL`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
