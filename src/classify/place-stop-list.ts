/**
 * Place names from the datasets that `places:` must NOT treat as places, because in English news
 * they are far more often something else. Requiring a capital initial (phrase-index.ts) already
 * keeps the lowercase words out ("a nice day"); this list is for names that are capitalised
 * anyway — at the start of a headline, in Title Case headlines, or as people's and firms' names.
 *
 * How it was made: every dataset name at or above the population thresholds was read once and
 * these kept out, each group for one reason. Add a name here when a headline shows a new clash;
 * a category that still wants the place can list it as a keyword.
 *
 * Written folded (lowercase, no accents), as text.ts folds them.
 */
export const PLACE_STOP_LIST: ReadonlySet<string> = new Set([
  // English words (also in Title Case headlines: "Apple's New Mobile Chip").
  "nice", "mobile", "reading", "split", "van", "oral", "paradise", "aurora", "buffalo", "phoenix", "mesa",
  "batman", "derby", "brent", "surrey", "sale", "marka", "mau", "sari", "natal", "teni", "tanda", "archway",
  "meads", "libertad", "soledad", "serra", "franca", "palma", "victoria", "male", "the valley", "road town",
  "west island", "reunion", "jersey", "man", "isle of man", "mann", "christmas island", "medina", "beni",
  "plano", "salem", "pilar", "mecca", "union", "georgetown",
  // First names and surnames of people in the news.
  "chad", "jordan", "hamilton", "lincoln", "chandler", "gilbert", "irving", "madison", "orlando", "santos",
  "salvador", "santiago", "florence", "vladimir", "windsor", "kobe", "yao", "garland", "durham", "preston",
  "richmond", "toledo", "fontana", "laval", "merlo", "bello", "kota", "gaya", "tula", "takeo", "norfolk",
  "kingston", "columbus", "newport", "sucre", "aba", "ica",
  // Companies and brands.
  "toyota", "fuji",
]);
