/**
 * A story as the default feeds show it, kept up to date at write time (in the same transaction as
 * the item writes that change it) so a feed page is one index walk, as fast as before stories.
 * The rules live here once; both stores load the members, call `nextStoryState`, and write
 * what it returns.
 */
import type { EpochMs, ItemKind } from "../../model/index.js";
import { STORE_SLUG } from "../rows/departures.js";
import { uniqueSlugs } from "../rows/run-rules.js";

/** One stored item of a story, as the rules need it (after this transaction's item writes). */
export interface StoryMember {
  readonly id: string;
  readonly kind: ItemKind;
  /** Whether it has an HTML body (contentHtml). */
  readonly hasBody: boolean;
  readonly published: EpochMs;
  readonly updated: EpochMs;
  readonly firstSeen: EpochMs;
  readonly changedAt: EpochMs;
}

/** A story as stored: the `stories` row and its categories. */
export interface StoryState {
  readonly id: string;
  /** The member whose content is shown: see `bestMember`. */
  readonly itemId: string;
  readonly published: EpochMs;
  /** The shown member's `updated`, or when it became the shown one if that is later. */
  readonly updated: EpochMs;
  /** When the shown member became the shown one (the story's `published` for its first member). */
  readonly shownSince: EpochMs;
  readonly firstSeen: EpochMs;
  readonly changedAt: EpochMs;
  /** Whether any member is an article: the story is listed by `?kind=article`. */
  readonly hasArticle: boolean;
  /** The union of every member's categories, sorted and unique. */
  readonly slugs: readonly string[];
}

/** A feed the story left (see rows/departures.ts), stamped `now` by the caller. */
export interface StoryDeparture {
  readonly slug: string;
  readonly kind: ItemKind;
}

export interface StoryChange {
  /** The new state; undefined when the story lost its last member (delete it and its keys). */
  readonly next: StoryState | undefined;
  /** Whether anything a feed shows changed (write it, bump the revision, invalidate `slugs`). */
  readonly changed: boolean;
  /** Categories whose feeds changed: the old and new categories of a changed story. */
  readonly changedSlugs: readonly string[];
  readonly departures: readonly StoryDeparture[];
}

/**
 * The member shown for the story: an article over a ticker line (a ticker line is only a
 * headline), then one with a body, then the first stored (ties by id), so the choice is stable.
 */
export function bestMember(members: readonly StoryMember[]): StoryMember | undefined {
  let best: StoryMember | undefined;
  for (const member of members) if (best === undefined || ranksBefore(member, best)) best = member;
  return best;
}

function ranksBefore(a: StoryMember, b: StoryMember): boolean {
  if (a.kind !== b.kind) return a.kind === "article";
  if (a.hasBody !== b.hasBody) return a.hasBody;
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen;
  return a.id < b.id;
}

/**
 * A story's state after some of its members changed (joined, changed content or categories, or
 * left). Rules:
 * - `published` is fixed when the story is created: its first member's (the one whose id it
 *   took). Moving it would move the story under a reader's `before` cursor (paging would skip or
 *   repeat it) and contradict "published never changes once stored";
 * - `updated` is the shown member's `updated` (so a story of one item dates like the item), but
 *   never earlier than when that member became the shown one: a ticker headline replaced by the
 *   article shows the story updated, at that moment, with the article's body (a shown member that
 *   leaves does not: what remains is shown under the story's old `updated`);
 * - `changedAt` (Last-Modified, WebSub) is `now` whenever anything shown changed: the shown
 *   member or its content, `updated`, the categories, or whether it is an article (a new story:
 *   its members' newest change);
 * - categories are the union of the members'; a category (or `?kind=article`) the story left is
 *   a departure, recorded for the story's kind: its article feeds if it had an article member.
 */
export function nextStoryState(
  storyId: string,
  previous: StoryState | undefined,
  members: readonly StoryMember[],
  memberSlugs: readonly string[],
  now: EpochMs,
): StoryChange {
  const best = bestMember(members);
  if (best === undefined) {
    if (previous === undefined) return { next: undefined, changed: false, changedSlugs: [], departures: [] };
    const kind = previous.hasArticle ? "article" : "ticker";
    return {
      next: undefined,
      changed: true,
      changedSlugs: previous.slugs,
      departures: [...previous.slugs, STORE_SLUG].map((slug) => ({ slug, kind })),
    };
  }
  const slugs = uniqueSlugs(memberSlugs);
  const hasArticle = members.some((member) => member.kind === "article");
  if (previous === undefined) {
    const founder = members.find((member) => member.id === storyId) ?? best;
    const next: StoryState = {
      id: storyId,
      itemId: best.id,
      published: founder.published,
      updated: Math.max(best.updated, founder.published),
      shownSince: founder.published,
      firstSeen: Math.min(...members.map((member) => member.firstSeen)),
      // Its members' own change time: a story made of one new item changed when it arrived, and
      // adopting a stored item (migration 6) does not move its feeds' Last-Modified.
      changedAt: Math.max(...members.map((member) => member.changedAt)),
      hasArticle,
      slugs,
    };
    return { next, changed: true, changedSlugs: slugs, departures: [] };
  }
  const switched = best.id !== previous.itemId;
  // A member that left (retention) is no news: the story falls back to what remains without
  // showing as updated (regression: a 90-day-old story came back "updated", with less content).
  const replacedByBetter = switched && members.some((member) => member.id === previous.itemId);
  const shownSince = replacedByBetter ? Math.max(now, previous.shownSince) : previous.shownSince;
  const updated = Math.max(best.updated, shownSince);
  const sameSlugs = slugs.length === previous.slugs.length && slugs.every((slug, i) => slug === previous.slugs[i]);
  const changed =
    switched ||
    best.changedAt > previous.changedAt ||
    updated !== previous.updated ||
    hasArticle !== previous.hasArticle ||
    !sameSlugs;
  const next: StoryState = {
    ...previous,
    itemId: best.id,
    updated,
    shownSince,
    firstSeen: Math.min(previous.firstSeen, ...members.map((member) => member.firstSeen)),
    changedAt: changed ? Math.max(now, previous.changedAt) : previous.changedAt,
    hasArticle,
    slugs,
  };
  return {
    next,
    changed,
    changedSlugs: changed ? uniqueSlugs([...previous.slugs, ...slugs]) : [],
    departures: departuresOf(previous, next),
  };
}

function departuresOf(previous: StoryState, next: StoryState): StoryDeparture[] {
  const kind: ItemKind = previous.hasArticle ? "article" : "ticker";
  const kept = new Set(next.slugs);
  const left = previous.slugs.filter((slug) => !kept.has(slug)).map((slug) => ({ slug, kind }));
  // No longer an article: it left every `?kind=article` feed it was in, `all` included.
  if (previous.hasArticle && !next.hasArticle) {
    return [...previous.slugs, STORE_SLUG].map((slug) => ({ slug, kind: "article" as const }));
  }
  return left;
}
