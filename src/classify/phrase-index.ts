/**
 * Every keyword of every category compiled once into one index keyed by first token, so an item's
 * text is tokenized once and scanned once however many categories and keywords there are.
 *
 * Simple plural: a keyword token also matches the same token followed by "s" ("bank" matches
 * "banks", "Moroccan" matches "Moroccans"), so rules are written in the singular. Other plural
 * forms ("economies", "taxes") must be listed as their own keywords.
 */
import { tokenize } from "./text.js";

export type PhraseId = number;

export interface PhraseIndex {
  /** Id of a phrase (identical phrases share one id); undefined when it has no tokens. */
  add(phrase: string): PhraseId | undefined;
  /** Ids of the phrases found in these texts; a phrase never spans two texts. */
  scan(texts: readonly (string | undefined)[]): ReadonlySet<PhraseId>;
}

interface Phrase {
  readonly id: PhraseId;
  readonly tokens: readonly string[];
}

export function createPhraseIndex(): PhraseIndex {
  const byFirstToken = new Map<string, Phrase[]>();
  const ids = new Map<string, PhraseId>();

  const add = (phrase: string): PhraseId | undefined => {
    const tokens = tokenize(phrase);
    const first = tokens[0];
    if (first === undefined) return undefined;
    const key = tokens.join(" ");
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = ids.size;
    ids.set(key, id);
    const bucket = byFirstToken.get(first) ?? [];
    bucket.push({ id, tokens });
    byFirstToken.set(first, bucket);
    return id;
  };

  const scanTokens = (tokens: readonly string[], found: Set<PhraseId>): void => {
    for (let start = 0; start < tokens.length; start++) {
      const token = tokens[start] as string;
      visit(byFirstToken.get(token), tokens, start, found);
      if (token.length > 1 && token.endsWith("s")) visit(byFirstToken.get(token.slice(0, -1)), tokens, start, found);
    }
  };

  return {
    add,
    scan: (texts) => {
      const found = new Set<PhraseId>();
      for (const text of texts) if (text) scanTokens(tokenize(text), found);
      return found;
    },
  };
}

function visit(candidates: readonly Phrase[] | undefined, tokens: readonly string[], start: number, found: Set<PhraseId>): void {
  if (candidates === undefined) return;
  for (const phrase of candidates) {
    if (!found.has(phrase.id) && matchesAt(phrase.tokens, tokens, start)) found.add(phrase.id);
  }
}

function matchesAt(phrase: readonly string[], tokens: readonly string[], start: number): boolean {
  if (start + phrase.length > tokens.length) return false;
  for (let offset = 1; offset < phrase.length; offset++) {
    if (!tokenMatches(phrase[offset] as string, tokens[start + offset] as string)) return false;
  }
  return true;
}

function tokenMatches(keyword: string, token: string): boolean {
  return token === keyword || (token.length === keyword.length + 1 && token.endsWith("s") && token.startsWith(keyword));
}
