import { createHash } from "node:crypto";
import type { Config } from "../config/config.js";

/**
 * A hash of everything that decides an item's categories: the category rules, each source's own
 * `categories:`, and the build that applies them (the product's name and version: a release may
 * change how rules match, its places data or its tokenizer). Two configs with the same
 * fingerprint classify every item alike, so stored items need no reclassification between them.
 * The store remembers the fingerprint of the last whole pass, so a new leader skips the pass
 * when nothing that decides categories changed while it was down (333 s at 1M items, issue 12).
 */
export function classificationFingerprint(config: Config): string {
  const rules = JSON.stringify([
    config.categories,
    config.sources.map((source) => [source.id, source.categories]),
    [config.product.name, config.product.version],
  ]);
  return createHash("sha256").update(rules).digest("hex");
}
