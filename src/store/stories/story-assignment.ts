/**
 * Which story a newly stored item joins. An item's id is minted once and never changes, and so is
 * a story's (docs/ARCHITECTURE.md): it is the id of the first item stored with any of its keys, and an item
 * joins a story once, when it is first stored (a later change of its URL does not move it).
 */
import type { StoryProbe } from "./story-key.js";

export interface NewMember {
  readonly id: string;
  /** Keys the item is looked up by and registers for its story. */
  readonly keys: readonly string[];
  /** Keys the item only registers (its headline). */
  readonly registers?: readonly string[];
  /** Keys only looked for, after `keys` (a headline on the days around); none if any `unless` is known. */
  readonly probes?: readonly StoryProbe[];
}

/**
 * Assign stories to new items, in the order given: the story already holding one of an item's
 * keys (the first key found wins), else a new story with the item's own id. `known` maps each
 * key to its story as stored and is updated in place, so items of one batch sharing a key join
 * one story; the keys it gains are returned so the caller stores them (first story keeps a key).
 */
export function assignStories(
  items: readonly NewMember[],
  known: Map<string, string>,
): { storyOf: Map<string, string>; newKeys: Map<string, string> } {
  const storyOf = new Map<string, string>();
  const newKeys = new Map<string, string>();
  for (const item of items) {
    let story: string | undefined;
    for (const key of item.keys) {
      story = known.get(key);
      if (story !== undefined) break;
    }
    // A headline its own source used anywhere in the window is a recurring column: it joins no
    // story by headline, not even one another source's copy started (regression: A's column of
    // day 101 joined A's day-100 story through B's republication).
    const probes = item.probes ?? [];
    if (story === undefined && !probes.some((probe) => known.has(probe.unless))) {
      for (const probe of probes) {
        story = known.get(probe.key);
        if (story !== undefined) break;
      }
    }
    story ??= item.id;
    storyOf.set(item.id, story);
    for (const key of [...item.keys, ...(item.registers ?? [])]) {
      if (known.has(key)) continue;
      known.set(key, story);
      newKeys.set(key, story);
    }
  }
  return { storyOf, newKeys };
}

/** Every key whose stored story assignStories needs to know for these items. */
export function lookupKeys(items: readonly NewMember[]): string[] {
  const keys = new Set<string>();
  for (const item of items) {
    for (const key of item.keys) keys.add(key);
    for (const probe of item.probes ?? []) keys.add(probe.key).add(probe.unless);
  }
  return [...keys];
}
