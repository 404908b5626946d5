/** A ticker source that cannot be read at all: bad config, selectors that match nothing, an unreadable page. */
export class TickerError extends Error {
  override readonly name = "TickerError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
