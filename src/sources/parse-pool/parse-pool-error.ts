/** The parse pool could not run a document: its queue is full, it is closed, or its thread died. */
export class ParsePoolError extends Error {
  override readonly name: string = "ParsePoolError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * A document whose parse ran past the per-document time budget: its thread was stopped and
 * replaced, and the document fails (its source backs off, see refused-input.ts).
 */
export class ParseBudgetError extends ParsePoolError {
  override readonly name = "ParseBudgetError";
}
