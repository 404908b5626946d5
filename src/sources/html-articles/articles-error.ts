/** An html-articles source that cannot be read at all: bad config, a listing selector that matches nothing. */
export class ArticlesError extends Error {
  override readonly name = "ArticlesError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
