/**
 * Every keyword of every category compiled once into one index keyed by first token, so an item's
 * text is tokenized once and scanned once however many categories and keywords there are.
 *
 * Simple plural: a keyword token also matches the same token followed by "s" ("bank" matches
 * "banks", "Moroccan" matches "Moroccans"), so rules are written in the singular. Other plural
 * forms ("economies", "taxes") must be listed as their own keywords.
 *
 * Short acronyms: a keyword token of two or three capitals ("US", "UN", "EU", "AI", "WHO")
 * matches only a token written in capitals ("US", "U.S."), never the words "us", "un" or "who";
 * longer ones ("NATO", written "Nato" by British outlets) match in any case. An acronym's plural
 * in "s" counts as capitals ("EVs" matches "EV").
 *
 * Proper names: a phrase added with `initialCapital` (the place names of places.ts) matches only
 * where its first word starts with a capital, so "Nice" or "Reading" the city is not the word.
 */
import { tokenizeWithCase } from "./text.js";

export type PhraseId = number;

export interface PhraseOptions {
  /** The first word must start with a capital in the text (proper names). */
  readonly initialCapital?: boolean;
}

export interface PhraseIndex {
  /** Id of a phrase (identical phrases share one id); undefined when it has no tokens. */
  add(phrase: string, options?: PhraseOptions): PhraseId | undefined;
  /** The phrase as first added under this id, for explanations. */
  phrase(id: PhraseId): string;
  /** Ids of the phrases found in these texts; a phrase never spans two texts. */
  scan(texts: readonly (string | undefined)[]): ReadonlySet<PhraseId>;
}

interface Phrase {
  readonly id: PhraseId;
  readonly tokens: readonly string[];
  /** Per token: it must be written in capitals in the text. */
  readonly capitalsOnly: readonly boolean[];
  readonly initialCapital: boolean;
}

/** A scanned text: folded tokens and whether each was written in capitals. */
interface Scanned {
  readonly tokens: readonly string[];
  readonly capitals: readonly boolean[];
  readonly initials: readonly boolean[];
}

export function createPhraseIndex(): PhraseIndex {
  const byFirstToken = new Map<string, Phrase[]>();
  const ids = new Map<string, PhraseId>();
  const texts: string[] = [];

  const add = (phrase: string, options: PhraseOptions = {}): PhraseId | undefined => {
    const { tokens, capitals } = tokenizeWithCase(phrase);
    const first = tokens[0];
    if (first === undefined) return undefined;
    const initialCapital = options.initialCapital === true;
    const capitalsOnly = tokens.map((token, i) => capitals[i] === true && token.length >= 2 && token.length <= 3);
    const key = `${initialCapital ? "^" : ""}${tokens.map((token, i) => (capitalsOnly[i] ? token.toUpperCase() : token)).join(" ")}`;
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = ids.size;
    ids.set(key, id);
    texts.push(phrase);
    const bucket = byFirstToken.get(first) ?? [];
    bucket.push({ id, tokens, capitalsOnly, initialCapital });
    byFirstToken.set(first, bucket);
    return id;
  };

  const scanTokens = (text: Scanned, found: Set<PhraseId>): void => {
    const { tokens } = text;
    for (let start = 0; start < tokens.length; start++) {
      const token = tokens[start] as string;
      visit(byFirstToken.get(token), text, start, found);
      if (token.length > 1 && token.endsWith("s")) visit(byFirstToken.get(token.slice(0, -1)), text, start, found);
    }
  };

  return {
    add,
    phrase: (id) => texts[id] ?? String(id),
    scan: (texts) => {
      const found = new Set<PhraseId>();
      for (const text of texts) if (text) scanTokens(tokenizeWithCase(text), found);
      return found;
    },
  };
}

function visit(candidates: readonly Phrase[] | undefined, text: Scanned, start: number, found: Set<PhraseId>): void {
  if (candidates === undefined) return;
  for (const phrase of candidates) {
    if (!found.has(phrase.id) && matchesAt(phrase, text, start)) found.add(phrase.id);
  }
}

function matchesAt(phrase: Phrase, text: Scanned, start: number): boolean {
  if (start + phrase.tokens.length > text.tokens.length) return false;
  if (phrase.initialCapital && text.initials[start] !== true) return false;
  for (let offset = 0; offset < phrase.tokens.length; offset++) {
    if (phrase.capitalsOnly[offset] === true && text.capitals[start + offset] !== true) return false;
    if (offset > 0 && !tokenMatches(phrase.tokens[offset] as string, text.tokens[start + offset] as string))
      return false;
  }
  return true;
}

function tokenMatches(keyword: string, token: string): boolean {
  return token === keyword || (token.length === keyword.length + 1 && token.endsWith("s") && token.startsWith(keyword));
}
