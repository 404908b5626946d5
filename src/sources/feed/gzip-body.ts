import { gunzipSync } from "node:zlib";
import { FeedError } from "./feed-error.js";

/**
 * A body still gzip-compressed although no Content-Encoding said so (a server that gzips the file
 * on disk and serves it as text/xml). The gzip magic number (RFC 1952 §2.3.1: 1f 8b) cannot start
 * an XML or JSON document, so seeing it is proof enough. Output is capped like any fetched body.
 */
export function gunzipIfCompressed(body: Buffer, maxBytes: number): Buffer {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body;
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (cause) {
    const tooLarge = (cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
    throw new FeedError(
      tooLarge
        ? `feed: gzip-compressed body exceeds ${maxBytes} bytes`
        : "feed: body is gzip-compressed but does not decompress",
      { cause },
    );
  }
}
