import { FetchError } from "../sources/fetch.js";
import { StoreError } from "../store/store-error.js";

/** Where a collect run broke: reaching upstream, making sense of what it sent, or recording it. */
export type FailureStage = "fetch" | "parse" | "store";

/**
 * Collectors wrap what they call (an ArticlesError whose cause is a FetchError), so the whole
 * cause chain is read: any FetchError in it means upstream could not be reached or refused us.
 */
export function failureStage(error: unknown): FailureStage {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof FetchError) return "fetch";
    if (current instanceof StoreError) return "store";
    current = current.cause;
  }
  return "parse";
}
