import { createHash } from "node:crypto";
import type { Config } from "../config/config.js";

/**
 * A hash of everything that decides an item's categories: the category rules and each source's
 * own `categories:`. Two configs with the same fingerprint classify every item alike, so stored
 * items need no reclassification between them. (Remembered in the store, it would let a new
 * leader skip the full reclassification pass when the rules did not change while it was down.)
 */
export function classificationFingerprint(config: Config): string {
  const rules = JSON.stringify([config.categories, config.sources.map((source) => [source.id, source.categories])]);
  return createHash("sha256").update(rules).digest("hex");
}
