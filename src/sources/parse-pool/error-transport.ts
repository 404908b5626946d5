/**
 * Errors across the thread boundary. Structured clone keeps an Error's message but not its class
 * or its cause's class, and callers decide by class (a MarkupLimitError in the chain makes a
 * refused document, refused-input.ts), so the parse thread sends name, message and cause chain as
 * plain data and the pool rebuilds the same classes: the source's error reads as if parsed inline.
 */
import { ArticlesError } from "../html-articles/articles-error.js";
import { FeedError } from "../feed/feed-error.js";
import { TickerError } from "../html-ticker/ticker-error.js";
import { MarkupLimitError } from "../markup-limits.js";

export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly cause?: SentError;
}

type ErrorClass = new (message: string, options?: { cause?: unknown }) => Error;

/** The errors the parse jobs throw on purpose; anything else comes back as a plain Error with its name. */
const CLASSES: Readonly<Record<string, ErrorClass>> = {
  FeedError,
  TickerError,
  ArticlesError,
  MarkupLimitError,
};

/** How deep a cause chain is kept; describe-error.ts reads no deeper either. */
const MAX_CAUSES = 5;

export function sendError(error: unknown, depth = 0): SentError {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && depth < MAX_CAUSES ? error.cause : undefined;
  return { name, message, ...(cause !== undefined && cause !== null && { cause: sendError(cause, depth + 1) }) };
}

export function receiveError(sent: SentError): Error {
  const cause = sent.cause === undefined ? undefined : receiveError(sent.cause);
  const Class = Object.hasOwn(CLASSES, sent.name) ? CLASSES[sent.name] : undefined;
  if (Class !== undefined) return new Class(sent.message, cause === undefined ? undefined : { cause });
  const error = new Error(sent.message, cause === undefined ? undefined : { cause });
  error.name = sent.name;
  return error;
}
