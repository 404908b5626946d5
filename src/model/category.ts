/** One match rule; its fields are ANDed, and a category's rules are ORed. */
export interface CategoryRule {
  /** Every item of these sources. */
  readonly sources?: readonly string[];
  /** Upstream tags, case- and accent-insensitive, whole tag. */
  readonly tags?: readonly string[];
  /** A whole word or phrase in the title or summary. */
  readonly keywords?: readonly string[];
  /** …and also one of these words or phrases. */
  readonly with?: readonly string[];
}

export interface Category {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly match: readonly CategoryRule[];
  /** Any of these words or phrases vetoes the category. */
  readonly exclude: readonly string[];
}

/** The pseudo-category that holds every item. */
export const ALL_SLUG = "all";
