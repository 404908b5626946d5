import type Database from "better-sqlite3";
import type { EpochMs } from "../../model/index.js";
import { storyMemberFromRow, storyStateFromRow, type StoryMemberRow, type StoryRow } from "../rows/story-row.js";
import { chunks } from "../rows/chunks.js";
import { assignStories, lookupKeys, type NewMember } from "../stories/story-assignment.js";
import { storyNamesOf, type JoiningItem } from "../stories/story-key.js";
import { nextStoryState, type StoryChange } from "../stories/story-state.js";
import { RECORD_DEPARTURE_SQL } from "./item-writes.js";

/** How many unassigned items (stored before migration 6) one adoption step reads. */
const ADOPT_BATCH = 5_000;
/** How many story keys one lookup binds (as one JSON array). */
const KEY_CHUNK = 5_000;

/**
 * The SQLite side of stories (src/store/stories/): which story an item joins, and the story rows
 * the default feeds list, written inside the caller's transaction. Prepared on first use, after
 * migration 6.
 */
export class SqliteStoryWrites {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.#sql = prepare(db);
  }

  /**
   * Put newly stored items (in the order given, so items of one run sharing a key join one story)
   * into their stories: an existing one sharing a key, else their own. Returns the stories joined.
   */
  join(items: readonly JoiningItem[]): Set<string> {
    const members: NewMember[] = items.map((item) => ({ id: item.id, ...storyNamesOf(item) }));
    const known = new Map<string, string>();
    for (const keys of chunks(lookupKeys(members), KEY_CHUNK)) {
      for (const row of this.#sql.keyStories.all(JSON.stringify(keys))) known.set(row.key, row.story_id);
    }
    const { storyOf, newKeys } = assignStories(members, known);
    for (const [key, story] of newKeys) this.#sql.insertKey.run(key, story);
    for (const [id, story] of storyOf) this.#sql.setStory.run(story, id);
    return new Set(storyOf.values());
  }

  /** The stories of these items (an unknown or unassigned id has none). */
  storiesOf(itemIds: readonly string[]): string[] {
    if (itemIds.length === 0) return [];
    return this.#sql.storiesOf.all(JSON.stringify(itemIds));
  }

  /** Per category: how many stories, and the newest one's date (status pages count stories, as feeds do). */
  categoryStats(): Array<{ slug: string; count: number; newest: number }> {
    return this.#sql.categoryStats.all();
  }

  /** Bring one story's row and categories in line with its members; departures are recorded at `now`. */
  refresh(storyId: string, now: EpochMs): StoryChange {
    const row = this.#sql.story.get(storyId);
    const previous = row === undefined ? undefined : storyStateFromRow(row, this.#sql.storySlugs.all(storyId));
    const members = this.#sql.members.all(storyId).map(storyMemberFromRow);
    const change = nextStoryState(storyId, previous, members, this.#sql.memberSlugs.all(storyId), now);
    if (!change.changed) return change;
    const { next } = change;
    if (next === undefined) {
      this.#sql.deleteStory.run(storyId);
      this.#sql.deleteSlugs.run(storyId);
      this.#sql.deleteKeys.run(storyId);
    } else {
      this.#sql.saveStory.run({
        id: next.id,
        item_id: next.itemId,
        published: next.published,
        updated: next.updated,
        shown_since: next.shownSince,
        first_seen: next.firstSeen,
        changed_at: next.changedAt,
        has_article: next.hasArticle ? 1 : 0,
      });
      this.#sql.deleteSlugs.run(storyId);
      for (const slug of next.slugs) this.#sql.insertSlug.run(storyId, slug, next.published);
    }
    for (const { slug, kind } of change.departures) this.#sql.recordDeparture.run({ slug, kind, now });
    return change;
  }

  /**
   * Give every item stored before migration 6 its story, oldest first (so a story's id is its
   * first stored member's), through the same rules as new items. Returns the changed categories.
   */
  adoptUnassigned(now: EpochMs): Set<string> | undefined {
    let changed: Set<string> | undefined;
    for (;;) {
      const rows = this.#sql.unassigned.all(ADOPT_BATCH);
      if (rows.length === 0) return changed;
      changed ??= new Set();
      const stories = this.join(
        rows.map((row) => ({
          id: row.id,
          url: row.url,
          aliases: this.#sql.aliasesOf.all(row.id),
          title: row.title,
          published: row.published,
          sourceId: row.source_id,
        })),
      );
      for (const story of stories) for (const slug of this.refresh(story, now).changedSlugs) changed.add(slug);
    }
  }
}

function prepare(db: Database.Database) {
  return {
    keyStories: db.prepare<[string], { key: string; story_id: string }>(
      "SELECT key, story_id FROM story_keys WHERE key IN (SELECT value FROM json_each(?))",
    ),
    insertKey: db.prepare<[string, string]>(
      "INSERT INTO story_keys (key, story_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
    ),
    setStory: db.prepare<[string, string]>("UPDATE items SET story_id = ? WHERE id = ?"),
    storiesOf: db
      .prepare<[string], string>(
        "SELECT DISTINCT story_id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND story_id IS NOT NULL",
      )
      .pluck(),
    story: db.prepare<[string], StoryRow>("SELECT * FROM stories WHERE id = ?"),
    storySlugs: db
      .prepare<[string], string>("SELECT slug FROM story_categories WHERE story_id = ? ORDER BY slug")
      .pluck(),
    members: db.prepare<[string], StoryMemberRow>(
      `SELECT id, story_id, kind, content_html IS NOT NULL AS has_body, published, updated, first_seen, changed_at
       FROM items WHERE story_id = ?`,
    ),
    memberSlugs: db
      .prepare<[string], string>(
        "SELECT DISTINCT c.slug FROM items i JOIN item_categories c ON c.item_id = i.id WHERE i.story_id = ? ORDER BY c.slug",
      )
      .pluck(),
    saveStory: db.prepare<[StoryRow]>(
      `INSERT INTO stories (id, item_id, published, updated, shown_since, first_seen, changed_at, has_article)
       VALUES (@id, @item_id, @published, @updated, @shown_since, @first_seen, @changed_at, @has_article)
       ON CONFLICT (id) DO UPDATE SET item_id = excluded.item_id, updated = excluded.updated, shown_since = excluded.shown_since,
         first_seen = excluded.first_seen, changed_at = excluded.changed_at, has_article = excluded.has_article`,
    ),
    deleteStory: db.prepare<[string]>("DELETE FROM stories WHERE id = ?"),
    deleteSlugs: db.prepare<[string]>("DELETE FROM story_categories WHERE story_id = ?"),
    insertSlug: db.prepare<[string, string, number]>(
      "INSERT INTO story_categories (story_id, slug, published) VALUES (?, ?, ?)",
    ),
    deleteKeys: db.prepare<[string]>("DELETE FROM story_keys WHERE story_id = ?"),
    recordDeparture: db.prepare<[{ slug: string; kind: string; now: number }]>(RECORD_DEPARTURE_SQL),
    unassigned: db.prepare<
      [number],
      { id: string; url: string | null; title: string; published: number; source_id: string }
    >("SELECT id, url, title, published, source_id FROM items WHERE story_id IS NULL ORDER BY first_seen, id LIMIT ?"),
    categoryStats: db.prepare<[], { slug: string; count: number; newest: number }>(
      "SELECT slug, count(*) AS count, max(published) AS newest FROM story_categories GROUP BY slug ORDER BY slug",
    ),
    aliasesOf: db.prepare<[string], string>("SELECT alias FROM item_aliases WHERE item_id = ? ORDER BY alias").pluck(),
  };
}
