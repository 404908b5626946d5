/**
 * The one way classify/ reads text, applied alike to item text and to keywords so they meet:
 * Unicode NFD with combining marks stripped (Société → societe), lowercase, English possessive
 * dropped (Morocco's → morocco), dotted acronyms joined (U.S. → us, U.N. → un), then split into
 * tokens: maximal runs of Unicode letters and digits. Whole-word matching is token equality, so
 * "AI" never matches inside "Sail" and "5G" stays one token.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const POSSESSIVE = /['’ʼ]s(?![\p{L}\p{N}])/gu;
const DOTTED_ACRONYM = /(?<![\p{L}\p{N}.])((?:\p{L}\.){2,})/gu;
const TOKEN = /[\p{L}\p{N}]+/gu;

export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(POSSESSIVE, "")
    .replace(DOTTED_ACRONYM, (acronym) => acronym.replaceAll(".", ""));
}

export function tokenize(text: string): string[] {
  return foldText(text).match(TOKEN) ?? [];
}

/** Tags compare as whole strings: folded, whitespace collapsed. */
export function foldTag(tag: string): string {
  return tokenize(tag).join(" ");
}
