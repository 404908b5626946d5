/**
 * Rules that combine fields, entries or both files. They read the raw YAML values defensively, so
 * they report even when other fields or entries failed the schema: every problem at once.
 */
import type { ConfigProblem } from "./problem.js";
import type { YamlFile } from "./yaml-file.js";

export function crossCheck(sources: YamlFile, categories: YamlFile): ConfigProblem[] {
  const sourceIds = stringsAt(sources.value, "sources", "id");
  const slugs = stringsAt(categories.value, "categories", "slug");
  const problems = [
    ...everyAndSchedule(sources),
    ...duplicates(sources, "sources", "id", sourceIds, "source id"),
    ...duplicates(categories, "categories", "slug", slugs, "category slug"),
  ];
  // Names across files can only be checked when the other file could be read at all.
  if (categories.value !== undefined)
    problems.push(...unknownSourceCategories(sources, new Set(slugs.map((s) => s.value))));
  if (sources.value !== undefined)
    problems.push(...unknownRuleSources(categories, new Set(sourceIds.map((s) => s.value))));
  return problems;
}

interface Named {
  readonly index: number;
  readonly value: string;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function stringsAt(root: unknown, listKey: string, key: string): Named[] {
  return list(field(root, listKey)).flatMap((entry, index) => {
    const value = field(entry, key);
    return typeof value === "string" ? [{ index, value }] : [];
  });
}

function duplicates(
  yaml: YamlFile,
  listKey: string,
  key: string,
  names: readonly Named[],
  what: string,
): ConfigProblem[] {
  const first = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  for (const { index, value } of names) {
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, index);
      continue;
    }
    const line = yaml.lineOf([listKey, earlier, key]);
    const where = line === undefined ? `${listKey}[${earlier}]` : `line ${line}`;
    problems.push(yaml.problemAt([listKey, index, key], `duplicate ${what} "${value}" (first defined at ${where})`));
  }
  return problems;
}

/** Interval and cron are two ways to say one thing; both at once is ambiguous. */
function everyAndSchedule(sources: YamlFile): ConfigProblem[] {
  return list(field(sources.value, "sources")).flatMap((source, index) =>
    field(source, "every") !== undefined && field(source, "schedule") !== undefined
      ? [sources.problemAt(["sources", index, "schedule"], "use either `every` or `schedule`, not both")]
      : [],
  );
}

function unknownSourceCategories(sources: YamlFile, slugs: ReadonlySet<string>): ConfigProblem[] {
  const known = [...slugs].join(", ") || "none";
  return list(field(sources.value, "sources")).flatMap((source, sourceIndex) =>
    list(field(source, "categories")).flatMap((slug, slugIndex) =>
      typeof slug === "string" && !slugs.has(slug)
        ? [
            sources.problemAt(
              ["sources", sourceIndex, "categories", slugIndex],
              `unknown category "${slug}" (categories.yaml defines: ${known})`,
            ),
          ]
        : [],
    ),
  );
}

/** A rule naming a source that does not exist yet is harmless (it matches nothing): a warning. */
function unknownRuleSources(categories: YamlFile, ids: ReadonlySet<string>): ConfigProblem[] {
  return list(field(categories.value, "categories")).flatMap((category, categoryIndex) =>
    list(field(category, "match")).flatMap((rule, ruleIndex) =>
      list(field(rule, "sources")).flatMap((id, idIndex) =>
        typeof id === "string" && !ids.has(id)
          ? [
              categories.problemAt(
                ["categories", categoryIndex, "match", ruleIndex, "sources", idIndex],
                `no source has id "${id}"; this rule matches nothing until one does`,
                "warning",
              ),
            ]
          : [],
      ),
    ),
  );
}
