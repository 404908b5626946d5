import type { FetchResult } from "./fetch.js";

/**
 * An upstream document as the parsers take it: its bytes, undecoded, with the URL it came from
 * (after redirects) and its media type. Plain data only, so it crosses a worker-thread boundary
 * by structured clone (parse-pool/), and decoding the bytes happens where the parsing does.
 */
export interface FetchedDocument {
  readonly url: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
}

export function fetchedDocument(fetched: Extract<FetchResult, { status: "ok" }>): FetchedDocument {
  return {
    url: fetched.url,
    bytes: fetched.body,
    ...(fetched.contentType !== undefined && { contentType: fetched.contentType }),
  };
}

/** The bytes as a Buffer without copying (a worker receives a plain Uint8Array). */
export function documentBytes(document: FetchedDocument): Buffer {
  const { bytes } = document;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
