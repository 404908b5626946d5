/** What `places:` can name: a place outside Morocco, or one in it (see classify/places.ts). */
export type PlaceRegion = "abroad" | "morocco";

/** One match rule; its fields are ANDed, and a category's rules are ORed. */
export interface CategoryRule {
  /** Every item of these sources. */
  readonly sources?: readonly string[];
  /** Upstream tags, case- and accent-insensitive, whole tag. */
  readonly tags?: readonly string[];
  /** A whole word or phrase in the title or summary. */
  readonly keywords?: readonly string[];
  /** A place of one of these regions named in the title or summary. */
  readonly places?: readonly PlaceRegion[];
  /** …and also one of these words or phrases. */
  readonly with?: readonly string[];
  /** …and none of these words or phrases (the rule does not hold when one is there). */
  readonly without?: readonly string[];
}

export interface Category {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly match: readonly CategoryRule[];
  /** Any of these words or phrases vetoes the category. */
  readonly exclude: readonly string[];
  /** `exclude` does not veto when one of these words or phrases is there too. */
  readonly excludeUnless?: readonly string[];
}

/** The pseudo-category that holds every item. */
export const ALL_SLUG = "all";
