import { MarkupLimitError } from "./markup-limits.js";
import { ParseBudgetError } from "./parse-pool/parse-pool-error.js";

/**
 * Whether an error says the upstream document itself is pathological — markup beyond the limits
 * (markup-limits.ts) or a parse that ran past its time budget (parse-pool/) — rather than that
 * upstream was unreachable or our side failed. A pass that gets nothing but such documents fails
 * its source, so the worker backs off (issue 9 point 1). Collectors wrap errors, so the cause
 * chain is read.
 */
export function isRefusedInput(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof MarkupLimitError || current instanceof ParseBudgetError) return true;
    current = current.cause;
  }
  return false;
}
