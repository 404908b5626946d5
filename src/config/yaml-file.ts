/**
 * One YAML file parsed with its node ranges kept, so every problem can name a line and column.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Node, Pair, YAMLError } from "yaml";
import type { ConfigProblem, PathSegment } from "./problem.js";
import { formatPath } from "./problem.js";
import { describeSyntaxErrors, type YamlSyntaxError } from "./yaml-syntax.js";

export interface YamlFile {
  readonly file: string;
  /** The plain value (maps → objects); undefined when the file has syntax errors. */
  readonly value: unknown;
  /** Syntax errors and warnings from the YAML parser itself. */
  readonly syntaxProblems: readonly ConfigProblem[];
  /** Problem at a YAML path, positioned at the node (or the nearest existing ancestor). */
  problemAt(path: readonly PathSegment[], message: string, severity?: ConfigProblem["severity"]): ConfigProblem;
  /** Problem at the key of a mapping entry (an unknown field). */
  problemAtKey(path: readonly PathSegment[], key: string, message: string): ConfigProblem;
  /** 1-based line of the node at this path, when it exists. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

/** Alias expansions one file may make: far above what a config needs, far below a YAML bomb. */
const MAX_ALIAS_COUNT = 100;

export function parseYamlFile(file: string, source: string): YamlFile {
  const lineCounter = new LineCounter();
  // uniqueKeys: a repeated key is an error, not a silent "last one wins".
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const located = (errors: readonly YAMLError[]): YamlSyntaxError[] =>
    errors.map((error) => ({
      code: error.code,
      message: error.message,
      offset: error.pos[0],
      ...position(error.pos[0]),
    }));
  const syntaxProblems: ConfigProblem[] = [
    ...describeSyntaxErrors(source, located(doc.errors)).map((error) => ({
      file,
      ...error,
      path: "",
      severity: "error" as const,
    })),
    ...describeSyntaxErrors(source, located(doc.warnings)).map((warning) => ({
      file,
      ...warning,
      path: "",
      severity: "warning" as const,
    })),
  ];
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      // yaml refuses to expand aliases past the count (a "billion laughs" document): a problem of
      // this file at its first alias, so check-config and /status name it like any other.
      const detail = cause instanceof Error ? cause.message : String(cause);
      syntaxProblems.push({
        file,
        ...position(firstAliasOffset(doc) ?? 0),
        path: "",
        message: `aliases expand too far: ${detail}`,
        severity: "error",
      });
    }
  }

  const problem = (
    offset: number | undefined,
    path: readonly PathSegment[],
    message: string,
    severity: ConfigProblem["severity"],
  ): ConfigProblem =>
    offset === undefined
      ? { file, path: formatPath(path), message, severity }
      : { file, ...position(offset), path: formatPath(path), message, severity };

  return {
    file,
    value,
    syntaxProblems,
    problemAt: (path, message, severity = "error") => problem(locate(doc, path).offset, path, message, severity),
    problemAtKey: (path, key, message) => {
      const found = locate(doc, path);
      const pair = found.complete && isMap(found.node) ? findPair(found.node, key) : undefined;
      const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : found.offset;
      return problem(offset, [...path, key], message, "error");
    },
    lineOf: (path) => {
      const found = locate(doc, path);
      return found.complete && found.offset !== undefined ? position(found.offset).line : undefined;
    },
  };
}

interface Located {
  readonly node: Node | null;
  /** Start offset of the deepest node found on the path (or of its key when the value is empty). */
  readonly offset: number | undefined;
  /** Whether the whole path exists. */
  readonly complete: boolean;
}

function locate(doc: Document, path: readonly PathSegment[]): Located {
  let node: Node | null = doc.contents;
  // An empty document has no node at all: its problems belong at the start of the file.
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === undefined) return { node, offset, complete: false };
    node = next.node;
    offset = next.node?.range?.[0] ?? next.keyOffset ?? offset;
  }
  return { node, offset, complete: true };
}

function child(node: Node | null, segment: PathSegment): { node: Node | null; keyOffset?: number } | undefined {
  if (isMap(node)) {
    const pair = findPair(node, String(segment));
    if (!pair) return undefined;
    const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const value = pair.value as Node | null;
    // `every:` with nothing after it: a null scalar with an empty range; point at the key instead.
    const empty = isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1];
    return keyOffset === undefined ? { node: empty ? null : value } : { node: empty ? null : value, keyOffset };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment] as Node | null | undefined;
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}

function findPair(map: { items: readonly unknown[] }, key: string): Pair | undefined {
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item;
  }
  return undefined;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node)) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
