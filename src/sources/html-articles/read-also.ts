/**
 * "Read also" / "Lire aussi" / "Related" blocks: links to other stories that CMSs drop into the
 * middle of an article body. They are navigation, not the story, so they go before extraction
 * (Readability keeps them when they sit inside the body's container).
 */
import type { CheerioAPI } from "cheerio";

/** Class or id fragments CMS themes use for such blocks. */
const BLOCK_NAMES = ["read-also", "readalso", "lire-aussi", "lireaussi", "related", "see-also", "also-read", "a-lire"];

/** A block's label: "Read also", "Lire aussi", "À lire aussi", "Related articles", "See also", "Voir aussi"… */
const LABEL_WORDS =
  "read also|also read|read more|lire aussi|à lire aussi|a lire aussi|à lire également|voir aussi|see also|related(?: articles| stories| news| posts)?";
/** In a heading or bold run the label stands alone; in running text it must end with a colon ("Related reporting by…" is prose). */
const HEADING_LABEL = new RegExp(`^(?:${LABEL_WORDS})\\b`, "i");
const TEXT_LABEL = new RegExp(`^(?:${LABEL_WORDS})\\s*(?::|：|$)`, "i");
const HEADINGS = "h2, h3, h4, h5, h6, strong, b";
const TEXT_BLOCKS = "p, div, li, span";
/** A read-also block is a label and a few headlines; anything longer is the story itself. */
const MAX_BLOCK_CHARS = 400;
/** Inline wrappers a label sits in; the block is their enclosing element. */
const INLINE = new Set(["strong", "b", "span", "em", "i"]);
const CONTAINERS = new Set(["aside", "section", "div", "ul", "ol"]);

export function removeReadAlsoBlocks($: CheerioAPI): void {
  const byName = BLOCK_NAMES.flatMap((name) => [`[class*="${name}"]`, `[id*="${name}"]`]).join(", ");
  $(byName).not("html, body, main, article").remove();

  $(`${HEADINGS}, ${TEXT_BLOCKS}`).each((_, element) => {
    const label = $(element);
    const text = ownText(label.text());
    const pattern = label.is(HEADINGS) ? HEADING_LABEL : TEXT_LABEL;
    if (text.length > MAX_BLOCK_CHARS || !pattern.test(text)) return;
    let block = label;
    while (INLINE.has(block.prop("tagName")?.toLowerCase() ?? "") && block.parent().length > 0) block = block.parent();
    const parent = block.parent();
    const parentTag = parent.prop("tagName")?.toLowerCase() ?? "";
    if (CONTAINERS.has(parentTag) && parent.children().first().is(block) && isMostlyLinks($, parent)) {
      parent.remove();
      return;
    }
    if (/^h[2-6]$/i.test(block.prop("tagName") ?? "")) block.next("ul, ol, div").remove();
    block.remove();
  });
}

function ownText(text: string): string {
  return text.replace(/[\s\u00A0]+/g, " ").trim();
}

/** A box whose text is essentially its links' text (a label plus headlines), not prose. */
function isMostlyLinks($: CheerioAPI, box: ReturnType<CheerioAPI>): boolean {
  const all = ownText(box.text()).length;
  const linked = box
    .find("a")
    .toArray()
    .reduce((sum, a) => sum + ownText($(a).text()).length, 0);
  return all > 0 && linked / all >= 0.5;
}
