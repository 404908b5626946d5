/**
 * Bodies and titles reach the normalizer as HTML, which it decodes exactly once. A value the format
 * defines as plain text (Atom `type="text"`, JSON Feed `content_text`) is therefore escaped here, so
 * `AT&amp;T` in a text construct stays the literal text rather than being decoded a second time.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Plain text as HTML paragraphs, so line structure survives as markup. */
export function textToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/**
 * Atom text construct types (RFC 4287 §3.1.1) and Atom 0.3 MIME-typed content: which are HTML.
 * `xhtml` has been rewritten to `html` before parsing.
 */
export function isHtmlType(type: string | undefined): boolean {
  const t = (type ?? "text").trim().toLowerCase();
  return t === "html" || t === "xhtml" || t === "text/html" || t === "application/xhtml+xml";
}

/** Atom content of another media type (RFC 4287 §4.1.3.3 rule 5+) is not text we can show. */
export function isTextType(type: string | undefined): boolean {
  const t = (type ?? "text").trim().toLowerCase();
  return t === "text" || t.startsWith("text/");
}
