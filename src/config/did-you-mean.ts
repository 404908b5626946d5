/**
 * "Did you mean" for unknown config keys: the known field names at that place in the schema, and
 * the nearest one by edit distance when it is near enough to be a typo.
 */
import type * as z from "zod";
import type { PathSegment } from "./problem.js";

/** The field names a strict object at `path` accepts (every option of a union), or none. */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PathSegment[]): string[] {
  let nodes: z.core.$ZodType[] = [schema];
  for (const segment of path) nodes = nodes.flatMap((node) => childrenOf(unwrap(node), segment));
  return [...new Set(nodes.flatMap((node) => objectKeys(unwrap(node))))];
}

/** The nearest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function unwrap(node: z.core.$ZodType): z.core.$ZodType[] {
  const def = node._zod.def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return unwrap((def as z.core.$ZodOptionalDef).innerType);
    case "pipe":
      return unwrap((def as z.core.$ZodPipeDef).in);
    case "union":
      return (def as z.core.$ZodUnionDef).options.flatMap((option) => unwrap(option));
    default:
      return [node];
  }
}

function childrenOf(nodes: readonly z.core.$ZodType[], segment: PathSegment): z.core.$ZodType[] {
  return nodes.flatMap((node) => {
    const def = node._zod.def;
    if (def.type === "array" && typeof segment === "number") return [(def as z.core.$ZodArrayDef).element];
    if (def.type === "object" && typeof segment === "string") {
      const child = (def as z.core.$ZodObjectDef).shape[segment];
      return child === undefined ? [] : [child];
    }
    return [];
  });
}

function objectKeys(nodes: readonly z.core.$ZodType[]): string[] {
  return nodes.flatMap((node) =>
    node._zod.def.type === "object" ? Object.keys((node._zod.def as z.core.$ZodObjectDef).shape) : [],
  );
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one typo. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = value;
    }
  }
  return at(a.length, b.length);
}
