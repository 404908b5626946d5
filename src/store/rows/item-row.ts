import type { Author, ClassifiedItem, Enclosure, ItemKind, StoredItem } from "../../model/index.js";
import { StoreError } from "../store-error.js";
import type { ItemToReclassify } from "../store.js";

/** One row of `items`, as better-sqlite3 returns it. */
export interface ItemRow {
  readonly id: string;
  readonly source_id: string;
  readonly kind: string;
  readonly url: string | null;
  readonly title: string;
  readonly summary: string | null;
  readonly content_html: string | null;
  readonly authors: string;
  readonly tags: string;
  readonly enclosures: string;
  readonly image_url: string | null;
  readonly language: string | null;
  readonly published: number;
  readonly updated: number;
  readonly first_seen: number;
  readonly changed_at: number;
  readonly content_hash: string;
}

/** The content columns written on insert and on a content change, as named parameters. */
export interface ItemContentParams {
  readonly id: string;
  readonly source_id: string;
  readonly kind: ItemKind;
  readonly url: string | null;
  readonly title: string;
  readonly summary: string | null;
  readonly content_html: string | null;
  readonly authors: string;
  readonly tags: string;
  readonly enclosures: string;
  readonly image_url: string | null;
  readonly language: string | null;
  readonly content_hash: string;
}

export function itemContentParams(item: ClassifiedItem, hash: string): ItemContentParams {
  return {
    id: item.id,
    source_id: item.sourceId,
    kind: item.kind,
    url: item.url ?? null,
    title: item.title,
    summary: item.summary ?? null,
    content_html: item.contentHtml ?? null,
    authors: JSON.stringify(item.authors.map(authorJson)),
    tags: JSON.stringify(item.tags),
    enclosures: JSON.stringify(item.enclosures.map(enclosureJson)),
    image_url: item.imageUrl ?? null,
    language: item.language ?? null,
    content_hash: hash,
  };
}

export function storedItemFromRow(row: ItemRow, categories: readonly string[]): StoredItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    kind: itemKind(row),
    ...optional("url", row.url),
    title: row.title,
    ...optional("summary", row.summary),
    ...optional("contentHtml", row.content_html),
    authors: jsonArray(row, "authors").map((value) => authorFrom(row, value)),
    tags: jsonArray(row, "tags").map((value) => stringFrom(row, "tags", value)),
    enclosures: jsonArray(row, "enclosures").map((value) => enclosureFrom(row, value)),
    ...optional("imageUrl", row.image_url),
    ...optional("language", row.language),
    categories,
    published: row.published,
    updated: row.updated,
    firstSeen: row.first_seen,
    changedAt: row.changed_at,
  };
}

/**
 * What reclassification reads of one item (both stores): the columns the classifier looks at and
 * the item's category slugs as one JSON array, read with the row. Not `content_html`, which a
 * `--cpu-prof` of a 1M-item reclassification showed to be most of the reading (README, Scale).
 */
export interface ReclassificationRow {
  readonly id: string;
  readonly source_id: string;
  readonly title: string;
  readonly summary: string | null;
  readonly tags: string;
  readonly categories: string;
}

export function itemToReclassifyFromRow(row: ReclassificationRow): ItemToReclassify {
  return {
    id: row.id,
    sourceId: row.source_id,
    title: row.title,
    ...optional("summary", row.summary),
    tags: jsonArray(row, "tags").map((value) => stringFrom(row, "tags", value)),
    categories: jsonArray(row, "categories")
      .map((value) => stringFrom(row, "categories", value))
      .sort(),
  };
}

function optional<K extends string>(key: K, value: string | null): { [P in K]?: string } {
  return value === null ? {} : ({ [key]: value } as { [P in K]: string });
}

// Written with a fixed key order so the stored JSON does not depend on how a source built the object.
function authorJson(a: Author): Author {
  return {
    name: a.name,
    ...(a.email === undefined ? {} : { email: a.email }),
    ...(a.url === undefined ? {} : { url: a.url }),
  };
}

function enclosureJson(e: Enclosure): Enclosure {
  return { url: e.url, type: e.type, ...(e.length === undefined ? {} : { length: e.length }) };
}

function itemKind(row: ItemRow): ItemKind {
  if (row.kind === "article" || row.kind === "ticker") return row.kind;
  throw corrupt(row, "kind");
}

type JsonColumn = "authors" | "tags" | "enclosures" | "categories";

function jsonArray<C extends JsonColumn>(
  row: { readonly id: string } & { readonly [K in C]: string },
  column: C,
): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(row[column]);
  } catch (cause) {
    throw corrupt(row, column, cause);
  }
  if (!Array.isArray(value)) throw corrupt(row, column);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function stringFrom(row: { readonly id: string }, column: string, value: unknown): string {
  if (typeof value !== "string") throw corrupt(row, column);
  return value;
}

function authorFrom(row: ItemRow, value: unknown): Author {
  if (!isRecord(value) || typeof value.name !== "string") throw corrupt(row, "authors");
  const { name, email, url } = value;
  return {
    name,
    ...(typeof email === "string" ? { email } : {}),
    ...(typeof url === "string" ? { url } : {}),
  };
}

function enclosureFrom(row: ItemRow, value: unknown): Enclosure {
  if (!isRecord(value) || typeof value.url !== "string" || typeof value.type !== "string") {
    throw corrupt(row, "enclosures");
  }
  const { url, type, length } = value;
  return { url, type, ...(typeof length === "number" ? { length } : {}) };
}

function corrupt(row: { readonly id: string }, column: string, cause?: unknown): StoreError {
  return new StoreError(`store: item ${JSON.stringify(row.id)} has an unreadable ${column} column`, { cause });
}
