/**
 * The story's own text out of a whole article page: a configured `select.body`, else Mozilla
 * Readability (the Firefox Reader View algorithm) over a linkedom DOM. "Read also" blocks, scripts
 * and other non-story elements are removed first, sanitizing happens later in normalizeItem.
 */
import { Readability } from "@mozilla/readability";
import type { CheerioAPI } from "cheerio";
import { parseHTML } from "linkedom";
import { removeReadAlsoBlocks } from "./read-also.js";

export interface ExtractedBody {
  readonly html?: string;
  /** Set when `select.body` matched nothing and Readability was used instead. */
  readonly warning?: string;
}

/** Elements that are never story text, whatever the page's layout. */
const NEVER_BODY = "script, style, noscript, template, iframe, object, embed, form, button";

/** Mutates `$`: call after all metadata has been read from the page. */
export function extractBody($: CheerioAPI, pageUrl: string, bodySelector: string | undefined): ExtractedBody {
  $(NEVER_BODY).remove();
  removeReadAlsoBlocks($);
  if (bodySelector !== undefined) {
    const matched = $(bodySelector);
    if (matched.length > 0)
      return nonEmpty(
        matched
          .toArray()
          .map((element) => $.html(element))
          .join("\n"),
      );
    const body = readable($.html());
    return {
      ...body,
      warning: `html-articles: select.body '${bodySelector}' matched nothing on ${pageUrl}; used Readability`,
    };
  }
  return readable($.html());
}

function readable(html: string): ExtractedBody {
  // linkedom's types name the DOM lib's Window, which this Node-only project does not load (lib: ES2023),
  // so the checker sees an error type here; Readability takes linkedom's document by design.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  const { document } = parseHTML(html);
  const article = new Readability(document).parse();
  return nonEmpty(article?.content ?? "");
}

function nonEmpty(html: string): ExtractedBody {
  return html.trim() === "" ? {} : { html };
}
