/**
 * The article facts a page states in schema.org JSON-LD (`<script type="application/ld+json">`):
 * a NewsArticle/Article/BlogPosting object, possibly inside an array or an `@graph`. Values are
 * read defensively: JSON-LD in the wild mixes strings, objects and arrays for the same property.
 */

export interface JsonLdArticle {
  readonly headline?: string;
  readonly datePublished?: string;
  readonly dateModified?: string;
  readonly authors: readonly string[];
  readonly image?: string;
  readonly inLanguage?: string;
  readonly keywords: readonly string[];
  readonly url?: string;
}

const ARTICLE_TYPES = new Set([
  "Article",
  "NewsArticle",
  "ReportageNewsArticle",
  "AnalysisNewsArticle",
  "OpinionNewsArticle",
  "BackgroundNewsArticle",
  "LiveBlogPosting",
  "BlogPosting",
  "Report",
  "TechArticle",
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The first article object among the page's JSON-LD blocks; blocks that are not valid JSON are skipped. */
export function readJsonLdArticle(blocks: readonly string[]): JsonLdArticle | undefined {
  for (const block of blocks) {
    const article = nodesOf(parse(block)).find(isArticle);
    if (article !== undefined) return toArticle(article);
  }
  return undefined;
}

function parse(block: string): Json {
  try {
    return JSON.parse(block) as Json;
  } catch {
    return null;
  }
}

/** Every object of a JSON-LD document: top-level arrays and `@graph` members, flattened. */
function nodesOf(doc: Json): JsonObject[] {
  if (Array.isArray(doc)) return doc.flatMap(nodesOf);
  if (!isObject(doc)) return [];
  const graph = doc["@graph"];
  return [doc, ...(graph === undefined ? [] : nodesOf(graph))];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isArticle(node: JsonObject): boolean {
  return asArray(node["@type"]).some(
    (type) => typeof type === "string" && ARTICLE_TYPES.has(type.replace(/^schema:/, "")),
  );
}

function toArticle(node: JsonObject): JsonLdArticle {
  const headline = text(node.headline) ?? text(node.name);
  const datePublished = text(node.datePublished);
  const dateModified = text(node.dateModified);
  const image = urlOf(node.image);
  const inLanguage = text(node.inLanguage);
  const url = text(node.url) ?? urlOf(node.mainEntityOfPage);
  return {
    authors: asArray(node.author).flatMap((author) => {
      const name = typeof author === "string" ? author.trim() : isObject(author) ? text(author.name) : undefined;
      return name ? [name] : [];
    }),
    keywords: keywordsOf(node.keywords),
    ...(headline !== undefined && { headline }),
    ...(datePublished !== undefined && { datePublished }),
    ...(dateModified !== undefined && { dateModified }),
    ...(image !== undefined && { image }),
    ...(inLanguage !== undefined && { inLanguage }),
    ...(url !== undefined && { url }),
  };
}

function asArray(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: Json | undefined): string | undefined {
  const first = asArray(value)[0];
  return typeof first === "string" && first.trim() !== "" ? first.trim() : undefined;
}

/** `"https://…"`, `{ "url": … }` / `{ "@id": … }` (ImageObject, WebPage), or the first of an array. */
function urlOf(value: Json | undefined): string | undefined {
  const first = asArray(value)[0];
  if (typeof first === "string") return first.trim() || undefined;
  if (isObject(first)) return text(first.url) ?? text(first["@id"]);
  return undefined;
}

/** schema.org `keywords`: a comma-separated string or a list of strings. */
function keywordsOf(value: Json | undefined): string[] {
  return asArray(value)
    .flatMap((entry) => (typeof entry === "string" ? entry.split(",") : []))
    .map((keyword) => keyword.trim())
    .filter((keyword) => keyword !== "");
}
