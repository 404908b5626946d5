/** A feed document we cannot read: not a feed, malformed beyond recovery, or an unknown format. */
export class FeedError extends Error {
  override readonly name = "FeedError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
