import type { PoolClient } from "pg";
import type { EpochMs } from "../../model/index.js";
import { storyMemberFromRow, storyStateFromRow, type StoryMemberRow, type StoryRow } from "../rows/story-row.js";
import { assignStories, lookupKeys, type NewMember } from "../stories/story-assignment.js";
import { storyNamesOf, type JoiningItem } from "../stories/story-key.js";
import { nextStoryState, type StoryMember, type StoryState } from "../stories/story-state.js";
import { chunks } from "../rows/chunks.js";

/** How many ids one statement binds. */
const CHUNK = 5_000;

/**
 * The PostgreSQL side of stories (src/store/stories/): set-based versions of what the SQLite store
 * does item by item, run inside the caller's write transaction after its item writes.
 */

/** Put newly stored items (in the order given) into their stories; returns the stories they joined. */
export async function joinStories(client: PoolClient, items: readonly JoiningItem[]): Promise<Set<string>> {
  const members: NewMember[] = items.map((item) => ({ id: item.id, ...storyNamesOf(item) }));
  const known = new Map<string, string>();
  for (const keys of chunks(lookupKeys(members), CHUNK)) {
    const result = await client.query<{ key: string; story_id: string }>(
      "SELECT key, story_id FROM story_keys WHERE key = ANY($1::text[])",
      [keys],
    );
    for (const row of result.rows) known.set(row.key, row.story_id);
  }
  const { storyOf, newKeys } = assignStories(members, known);
  for (const rows of chunks([...newKeys.entries()], CHUNK)) {
    await client.query(
      `INSERT INTO story_keys (key, story_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO NOTHING`,
      [rows.map(([key]) => key), rows.map(([, story]) => story)],
    );
  }
  for (const rows of chunks([...storyOf.entries()], CHUNK)) {
    await client.query(
      `UPDATE items AS i SET story_id = t.story_id FROM unnest($1::text[], $2::text[]) AS t(id, story_id)
       WHERE i.id = t.id`,
      [rows.map(([id]) => id), rows.map(([, story]) => story)],
    );
  }
  return new Set(storyOf.values());
}

/** The stories of these items (an unknown or unassigned id has none). */
export async function storiesOf(client: PoolClient, itemIds: readonly string[]): Promise<Set<string>> {
  const stories = new Set<string>();
  for (const chunk of chunks(itemIds, CHUNK)) {
    const result = await client.query<{ story_id: string }>(
      "SELECT DISTINCT story_id FROM items WHERE id = ANY($1::text[]) AND story_id IS NOT NULL",
      [chunk],
    );
    for (const row of result.rows) stories.add(row.story_id);
  }
  return stories;
}

/**
 * Bring these stories' rows and categories in line with their members (after this transaction's
 * item writes), recording departures at `now`; returns the categories whose feeds changed.
 */
export async function refreshStories(
  client: PoolClient,
  storyIds: Iterable<string>,
  now: EpochMs,
): Promise<Set<string>> {
  const changedSlugs = new Set<string>();
  for (const chunk of chunks([...new Set(storyIds)], CHUNK)) {
    const { previous, members, memberSlugs } = await loadStories(client, chunk);
    const saved: StoryState[] = [];
    const deleted: string[] = [];
    const departures = new Map<string, { slug: string; kind: string }>();
    for (const id of chunk) {
      const change = nextStoryState(id, previous.get(id), members.get(id) ?? [], memberSlugs.get(id) ?? [], now);
      if (!change.changed) continue;
      if (change.next === undefined) deleted.push(id);
      else saved.push(change.next);
      for (const slug of change.changedSlugs) changedSlugs.add(slug);
      // Keyed by (slug, kind): ON CONFLICT cannot touch one row twice in a statement.
      for (const d of change.departures) departures.set(JSON.stringify([d.slug, d.kind]), d);
    }
    await writeStories(client, saved, deleted, [...departures.values()], now);
  }
  return changedSlugs;
}

async function loadStories(
  client: PoolClient,
  ids: readonly string[],
): Promise<{
  previous: Map<string, StoryState>;
  members: Map<string, StoryMember[]>;
  memberSlugs: Map<string, string[]>;
}> {
  // One after another: a client runs one query at a time anyway, and pg 8 deprecates (pg 9
  // removes) queueing a query on a client that is still executing one.
  const stories = await client.query<StoryRow>("SELECT * FROM stories WHERE id = ANY($1::text[])", [ids]);
  const storySlugs = await client.query<{ story_id: string; slug: string }>(
    "SELECT story_id, slug FROM story_categories WHERE story_id = ANY($1::text[]) ORDER BY story_id, slug",
    [ids],
  );
  const memberRows = await client.query<StoryMemberRow>(
    `SELECT id, story_id, kind, content_html IS NOT NULL AS has_body, published, updated, first_seen, changed_at
     FROM items WHERE story_id = ANY($1::text[])`,
    [ids],
  );
  const memberSlugRows = await client.query<{ story_id: string; slug: string }>(
    `SELECT DISTINCT i.story_id, c.slug FROM items i JOIN item_categories c ON c.item_id = i.id
     WHERE i.story_id = ANY($1::text[]) ORDER BY i.story_id, c.slug`,
    [ids],
  );
  const slugsOfStory = grouped(
    storySlugs.rows,
    (row) => row.story_id,
    (row) => row.slug,
  );
  const previous = new Map(stories.rows.map((row) => [row.id, storyStateFromRow(row, slugsOfStory.get(row.id) ?? [])]));
  const members = grouped(memberRows.rows, (row) => row.story_id, storyMemberFromRow);
  const memberSlugs = grouped(
    memberSlugRows.rows,
    (row) => row.story_id,
    (row) => row.slug,
  );
  return { previous, members, memberSlugs };
}

async function writeStories(
  client: PoolClient,
  saved: readonly StoryState[],
  deleted: readonly string[],
  departures: ReadonlyArray<{ slug: string; kind: string }>,
  now: EpochMs,
): Promise<void> {
  if (deleted.length > 0) {
    await client.query("DELETE FROM stories WHERE id = ANY($1::text[])", [deleted]);
    await client.query("DELETE FROM story_keys WHERE story_id = ANY($1::text[])", [deleted]);
  }
  const touched = [...deleted, ...saved.map((story) => story.id)];
  if (touched.length > 0)
    await client.query("DELETE FROM story_categories WHERE story_id = ANY($1::text[])", [touched]);
  if (saved.length > 0) {
    await client.query(
      `INSERT INTO stories (id, item_id, published, updated, shown_since, first_seen, changed_at, has_article)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::boolean[])
       ON CONFLICT (id) DO UPDATE SET item_id = excluded.item_id, updated = excluded.updated,
         shown_since = excluded.shown_since, first_seen = excluded.first_seen, changed_at = excluded.changed_at,
         has_article = excluded.has_article`,
      [
        saved.map((s) => s.id),
        saved.map((s) => s.itemId),
        saved.map((s) => s.published),
        saved.map((s) => s.updated),
        saved.map((s) => s.shownSince),
        saved.map((s) => s.firstSeen),
        saved.map((s) => s.changedAt),
        saved.map((s) => s.hasArticle),
      ],
    );
    const slugRows = saved.flatMap((story) =>
      story.slugs.map((slug) => ({ id: story.id, slug, published: story.published })),
    );
    if (slugRows.length > 0) {
      await client.query(
        `INSERT INTO story_categories (story_id, slug, published)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`,
        [slugRows.map((r) => r.id), slugRows.map((r) => r.slug), slugRows.map((r) => r.published)],
      );
    }
  }
  if (departures.length > 0) {
    // Departures only move forward: another instance's clock may lag this one's.
    await client.query(
      `INSERT INTO feed_departures (slug, kind, departed_at)
       SELECT t.slug, t.kind, $3::bigint FROM unnest($1::text[], $2::text[]) AS t(slug, kind)
       ON CONFLICT (slug, kind) DO UPDATE SET departed_at = GREATEST(feed_departures.departed_at, excluded.departed_at)`,
      [departures.map((d) => d.slug), departures.map((d) => d.kind), now],
    );
  }
}

/**
 * Give every item stored before migration 6 its story, oldest first (so a story's id is its
 * first stored member's), through the same rules as new items. Returns the changed categories,
 * or undefined when there was nothing to adopt.
 */
export async function adoptUnassigned(client: PoolClient, now: EpochMs): Promise<Set<string> | undefined> {
  let changed: Set<string> | undefined;
  for (;;) {
    const result = await client.query<{
      id: string;
      url: string | null;
      aliases: string[];
      title: string;
      published: string;
      source_id: string;
    }>(
      `SELECT i.id, i.url, i.title, i.published, i.source_id, coalesce((SELECT array_agg(a.alias ORDER BY a.alias) FROM item_aliases a WHERE a.item_id = i.id), '{}') AS aliases
       FROM items i WHERE i.story_id IS NULL ORDER BY i.first_seen, i.id LIMIT $1`,
      [CHUNK],
    );
    if (result.rows.length === 0) return changed;
    changed ??= new Set();
    const stories = await joinStories(
      client,
      result.rows.map((row) => ({ ...row, published: Number(row.published), sourceId: row.source_id })),
    );
    for (const slug of await refreshStories(client, stories, now)) changed.add(slug);
  }
}

function grouped<R, V>(rows: readonly R[], keyOf: (row: R) => string, valueOf: (row: R) => V): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list === undefined) map.set(key, [valueOf(row)]);
    else list.push(valueOf(row));
  }
  return map;
}
