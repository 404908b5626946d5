import type { StoredItem } from "../../model/index.js";
import type { StoryMember, StoryState } from "../stories/story-state.js";
import { storedItemFromRow, type ItemRow } from "./item-row.js";

/** One row of `stories` (migration 6). */
export interface StoryRow {
  readonly id: string;
  readonly item_id: string;
  readonly published: number;
  readonly updated: number;
  readonly shown_since: number;
  readonly first_seen: number;
  readonly changed_at: number;
  readonly has_article: number | boolean;
}

/** A default-feed row: the shown member's columns plus its story's, prefixed `s_`. */
export interface StoryFeedRow extends ItemRow {
  readonly s_id: string;
  readonly s_published: number;
  readonly s_updated: number;
  readonly s_first_seen: number;
  readonly s_changed_at: number;
}

/** The story columns of a StoryFeedRow, for `SELECT i.*, ${STORY_FEED_COLUMNS}` over `stories s`. */
export const STORY_FEED_COLUMNS =
  "s.id AS s_id, s.published AS s_published, s.updated AS s_updated, s.first_seen AS s_first_seen, s.changed_at AS s_changed_at";

/** What a default feed lists: the story under its own id and dates, with the shown member's content. */
export function storedStoryFromRow(row: StoryFeedRow, categories: readonly string[]): StoredItem {
  return {
    ...storedItemFromRow(row, categories),
    id: row.s_id,
    published: row.s_published,
    updated: row.s_updated,
    firstSeen: row.s_first_seen,
    changedAt: row.s_changed_at,
  };
}

export function storyStateFromRow(row: StoryRow, slugs: readonly string[]): StoryState {
  return {
    id: row.id,
    itemId: row.item_id,
    published: row.published,
    updated: row.updated,
    shownSince: row.shown_since,
    firstSeen: row.first_seen,
    changedAt: row.changed_at,
    hasArticle: row.has_article === true || row.has_article === 1,
    slugs,
  };
}

/** One member as the story rules read it (`has_body` is content_html IS NOT NULL). */
export interface StoryMemberRow {
  readonly id: string;
  readonly story_id: string;
  readonly kind: string;
  readonly has_body: number | boolean;
  readonly published: number;
  readonly updated: number;
  readonly first_seen: number;
  readonly changed_at: number;
}

export function storyMemberFromRow(row: StoryMemberRow): StoryMember {
  return {
    id: row.id,
    kind: row.kind === "ticker" ? "ticker" : "article",
    hasBody: row.has_body === true || row.has_body === 1,
    published: row.published,
    updated: row.updated,
    firstSeen: row.first_seen,
    changedAt: row.changed_at,
  };
}
