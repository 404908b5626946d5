/**
 * The CPU-heavy steps of every source kind, as named jobs over plain data: what a parse thread
 * runs (parse-pool/parse-thread.ts) and what runs inline when no pool is given. Collectors fetch
 * and consult the store; they hand each fetched document to `ctx.parse` and never parse it
 * themselves, so where parsing happens is the composition root's choice.
 */
import type { CollectContext } from "./collector.js";
import type { FetchedDocument } from "./fetched-document.js";
import { readFeedDocument, type FeedDocumentInput, type FeedReading } from "./feed/read-feed.js";
import {
  readArticleDocument,
  readListingDocument,
  type ArticleDocumentInput,
  type ArticleReading,
  type ListingDocumentInput,
} from "./html-articles/read-pages.js";
import { readTickerDocument, type TickerDocumentInput } from "./html-ticker/read-ticker.js";
import type { TickerPage } from "./html-ticker/ticker-page.js";

/** Each job's input and output; every input carries the document it reads. */
export interface ParseJobs {
  readonly feed: { readonly input: FeedDocumentInput; readonly output: FeedReading };
  readonly "ticker-page": { readonly input: TickerDocumentInput; readonly output: TickerPage };
  readonly listing: { readonly input: ListingDocumentInput; readonly output: readonly string[] };
  readonly article: { readonly input: ArticleDocumentInput; readonly output: ArticleReading };
}

export type ParseJobKind = keyof ParseJobs;
export type ParseInput<K extends ParseJobKind> = ParseJobs[K]["input"] & { readonly document: FetchedDocument };
export type ParseOutput<K extends ParseJobKind> = ParseJobs[K]["output"];

/** Runs one job somewhere (this thread, a parse thread) and settles with its output or its error. */
export type Parse = <K extends ParseJobKind>(kind: K, input: ParseInput<K>) => Promise<ParseOutput<K>>;

const JOBS: { readonly [K in ParseJobKind]: (input: ParseInput<K>) => ParseOutput<K> | Promise<ParseOutput<K>> } = {
  feed: readFeedDocument,
  "ticker-page": readTickerDocument,
  listing: readListingDocument,
  article: readArticleDocument,
};

export function isParseJobKind(kind: unknown): kind is ParseJobKind {
  return typeof kind === "string" && Object.hasOwn(JOBS, kind);
}

/** One job on the calling thread. */
export const parseInline: Parse = async (kind, input) => JOBS[kind](input);

/** Where this pass parses: the context's parser (a pool's), else this thread. */
export function parserOf(ctx: CollectContext): Parse {
  return ctx.parse ?? parseInline;
}
