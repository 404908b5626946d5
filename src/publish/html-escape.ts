/** Escapes text for HTML/XML element content and double-quoted attribute values. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => MARKUP_ENTITIES[char] ?? char);
}

/** Escapes text for HTML element content only: `&`, `<` and `>` (quotes need no escaping there). */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (char) => MARKUP_ENTITIES[char] ?? char);
}

const MARKUP_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
