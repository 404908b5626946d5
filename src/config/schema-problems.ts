/**
 * zod issues → ConfigProblems in words an operator understands, positioned via the YAML nodes.
 */
import type * as z from "zod";
import type { ConfigProblem, PathSegment } from "./problem.js";
import type { YamlFile } from "./yaml-file.js";
import { SOURCE_KINDS } from "../model/index.js";
import { KIND_SPECIFIC_FIELDS } from "./schema.js";
import { knownKeysAt, nearest } from "./did-you-mean.js";

/** `schema` is the file's schema, for the field names a did-you-mean picks from. */
export function schemaProblems(
  yaml: YamlFile,
  issues: readonly z.core.$ZodIssue[],
  schema: z.core.$ZodType,
): ConfigProblem[] {
  return issues.flatMap((issue) => issueProblems(yaml, issue, schema));
}

function issueProblems(yaml: YamlFile, issue: z.core.$ZodIssue, schema: z.core.$ZodType): ConfigProblem[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== "symbol");
  const actual = valueAt(yaml.value, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) =>
        yaml.problemAtKey(path, key, unknownFieldMessage(yaml.value, path, key, knownKeysAt(schema, path))),
      );
    case "invalid_type":
      return [
        yaml.problemAt(
          path,
          actual.found
            ? `expected ${typeName(issue.expected)}, got ${describeValue(actual.value)}`
            : `missing required field "${String(path.at(-1) ?? "")}"`,
        ),
      ];
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator === "kind") {
        // The only discriminated union in the files is the source kind.
        const options = SOURCE_KINDS.join(", ");
        return [
          yaml.problemAt(
            path,
            actual.found
              ? `expected one of ${options}, got ${describeValue(actual.value)}`
              : `missing required field "kind" (one of ${options})`,
          ),
        ];
      }
      return [yaml.problemAt(path, issue.message)];
    case "invalid_value":
      return [
        yaml.problemAt(
          path,
          `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(actual.value)}`,
        ),
      ];
    case "too_small":
      return [yaml.problemAt(path, tooSmallMessage(issue))];
    case "too_big":
      return [
        yaml.problemAt(
          path,
          issue.origin === "array"
            ? `must list at most ${String(issue.maximum)} entries`
            : `must be at most ${String(issue.maximum)}`,
        ),
      ];
    default:
      return [yaml.problemAt(path, issue.message)];
  }
}

function tooSmallMessage(issue: z.core.$ZodIssueTooSmall): string {
  if (issue.origin === "array") return "must list at least one entry";
  if (issue.origin === "string") return issue.message;
  return `must be at least ${String(issue.minimum)}`;
}

function unknownFieldMessage(
  root: unknown,
  path: readonly PathSegment[],
  key: string,
  known: readonly string[],
): string {
  const kinds = KIND_SPECIFIC_FIELDS.get(key);
  const kind = valueAt(root, [...path, "kind"]).value;
  if (kinds !== undefined && typeof kind === "string") {
    return `unknown field "${key}": only sources of kind ${kinds.join(" or ")} use it, this one is ${kind}`;
  }
  const suggestion = nearest(key, known);
  return suggestion === undefined ? `unknown field "${key}"` : `unknown field "${key}"; did you mean "${suggestion}"?`;
}

function typeName(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
      return "a mapping (key: value)";
    default:
      return expected;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment))
      return { found: false, value: undefined };
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return { found: current !== undefined, value: current };
}
