/**
 * The one way classify/ reads text, applied alike to item text and to keywords so they meet:
 * Unicode NFD with combining marks stripped (Société → societe), lowercase, English possessive
 * dropped (Morocco's → morocco), dotted acronyms joined (U.S. → us, U.N. → un), then split into
 * tokens: maximal runs of Unicode letters and digits. Whole-word matching is token equality, so
 * "AI" never matches inside "Sail" and "5G" stays one token.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const POSSESSIVE = /['’ʼ]s(?![\p{L}\p{N}])/giu;
const DOTTED_ACRONYM = /(?<![\p{L}\p{N}.])((?:\p{L}\.){2,})/gu;
const TOKEN = /[\p{L}\p{N}]+/gu;

export function foldText(text: string): string {
  return foldKeepingCase(text).toLowerCase();
}

export function tokenize(text: string): string[] {
  return foldText(text).match(TOKEN) ?? [];
}

/**
 * The same tokens, each with whether it was written in capitals ("US", "U.S.") — what tells the
 * country from the pronoun "us" (see phrase-index.ts) — and whether it starts with a capital
 * ("Nice" the city, not "nice"). Lowercasing keeps letters letters, so the tokens are exactly
 * those of tokenize().
 */
export function tokenizeWithCase(text: string): { tokens: string[]; capitals: boolean[]; initials: boolean[] } {
  const cased = foldKeepingCase(text).match(TOKEN) ?? [];
  return {
    tokens: cased.map((token) => token.toLowerCase()),
    capitals: cased.map(isCapitals),
    initials: cased.map(startsWithCapital),
  };
}

/**
 * Letters and all of them capitals ("US", "G7"; not "Us", not "7"), or such an acronym of two or
 * more letters with a plural "s" ("EVs", "NGOs"), so the plural of an acronym keyword matches.
 */
export function isCapitals(token: string): boolean {
  if (token !== token.toLowerCase() && token === token.toUpperCase()) return true;
  const singular = token.slice(0, -1);
  return (
    token.endsWith("s") &&
    singular.length >= 2 &&
    singular !== singular.toLowerCase() &&
    singular === singular.toUpperCase()
  );
}

function startsWithCapital(token: string): boolean {
  const first = token.charAt(0);
  return first !== first.toLowerCase();
}

function foldKeepingCase(text: string): string {
  return text
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(POSSESSIVE, "")
    .replace(DOTTED_ACRONYM, (acronym) => acronym.replaceAll(".", ""));
}

/** Tags compare as whole strings: folded, whitespace collapsed. */
export function foldTag(tag: string): string {
  return tokenize(tag).join(" ");
}
