/**
 * Close a truncated XML document (a download cut short, a file ending inside CDATA or without
 * `</rss>`) so a tolerant parser can keep the complete items before the cut.
 */

const TOKEN =
  /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>|<\/([^\s>]+)\s*>|<([A-Za-z_][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;

/** The document with its dangling markup cut or closed and every open element closed; undefined if nothing was open. */
export function closeTruncatedXml(text: string): string | undefined {
  const open: string[] = [];
  let lastEnd = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    lastEnd = TOKEN.lastIndex;
    const [, closing, opening, selfClosing] = m;
    if (closing !== undefined) {
      const at = open.lastIndexOf(closing);
      if (at !== -1) open.length = at;
    } else if (opening !== undefined && selfClosing !== "/") {
      open.push(opening);
    }
  }
  const tail = text.slice(lastEnd);
  const dangling = tail.indexOf("<");
  let body = text;
  if (dangling !== -1) {
    // Inside an unterminated CDATA section the text so far is still good content; anything else is cut.
    body = tail.startsWith("<![CDATA[", dangling) ? `${text}]]>` : text.slice(0, lastEnd + dangling);
  }
  if (open.length === 0 && body === text) return undefined;
  return (
    body +
    open
      .reverse()
      .map((name) => `</${name}>`)
      .join("")
  );
}
