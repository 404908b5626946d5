/**
 * JSON Schemas for the two YAML files, generated from the same zod schemas the loader uses, so an
 * editor (yaml-language-server) and the service can never disagree about the shape. Rules a JSON
 * Schema cannot express (cron syntax, time zones, cross-file names) are checked only by the loader.
 */
import * as z from "zod";
import { categoriesFileSchema, sourcesFileSchema } from "./schema.js";

export const JSON_SCHEMA_FILES = {
  sources: "sources.schema.json",
  categories: "categories.schema.json",
} as const;

export function buildJsonSchemas(): {
  readonly sources: Record<string, unknown>;
  readonly categories: Record<string, unknown>;
} {
  // io: "input" describes what ops write: fields with defaults are optional.
  return {
    sources: { ...z.toJSONSchema(sourcesFileSchema, { io: "input" }), $id: JSON_SCHEMA_FILES.sources },
    categories: { ...z.toJSONSchema(categoriesFileSchema, { io: "input" }), $id: JSON_SCHEMA_FILES.categories },
  };
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
