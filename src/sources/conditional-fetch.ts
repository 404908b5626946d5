/**
 * The conditional GET every source kind makes of the URL it is configured with (RFC 9110 §13.1):
 * send the validators the last pass stored, and take a 304 as "nothing new", keeping everything.
 * fetch.ts writes If-None-Match / If-Modified-Since from them; this is the one place that decides
 * which validators go out and what a 304 means for a pass.
 */
import type { SourceState } from "../model/index.js";
import type { CollectContext, CollectOutcome } from "./collector.js";
import { fetchResource, type FetchResult } from "./fetch.js";

/** Upstream validators, as a pass stores them for the next one (the source state's pair). */
export type Validators = Pick<SourceState, "etag" | "lastModified">;

export type ConditionalFetch =
  /** 304: the outcome of the pass, no items, the validators kept. */
  | { readonly status: "not-modified"; readonly outcome: CollectOutcome }
  | {
      readonly status: "ok";
      readonly fetched: Extract<FetchResult, { status: "ok" }>;
      /** What to store for the next pass, once the pass decides it may (html-articles may not). */
      readonly validators: Validators;
    };

export interface ConditionalRequest {
  readonly url: string;
  readonly accept: string;
  /** The stored state to revalidate against; undefined fetches unconditionally (a `refresh`). */
  readonly previous: SourceState | undefined;
}

export async function fetchConditionally(request: ConditionalRequest, ctx: CollectContext): Promise<ConditionalFetch> {
  const { previous } = request;
  const fetched = await fetchResource({
    url: request.url,
    options: ctx.fetchOptions,
    accept: request.accept,
    ...(previous?.etag !== undefined && { etag: previous.etag }),
    ...(previous?.lastModified !== undefined && { lastModified: previous.lastModified }),
    ...(ctx.signal !== undefined && { signal: ctx.signal }),
  });
  const validators: Validators = {
    ...(fetched.etag !== undefined && { etag: fetched.etag }),
    ...(fetched.lastModified !== undefined && { lastModified: fetched.lastModified }),
  };
  if (fetched.status === "not-modified") {
    return { status: "not-modified", outcome: { items: [], warnings: [], notModified: true, ...validators } };
  }
  return { status: "ok", fetched, validators };
}
