/**
 * The YAML parser's syntax errors in an operator's words, with the fix. One mistake makes the
 * parser report several errors on the same line (each `*` of a cron expression is an alias of its
 * own), so a line keeps only its first error: one mistake, one problem.
 */

/** One error or warning as the `yaml` package reports it. */
export interface YamlSyntaxError {
  readonly code: string;
  readonly message: string;
  /** Offset of the error in the source. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface SyntaxProblemText {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** First error per line, each in plain words. */
export function describeSyntaxErrors(source: string, errors: readonly YamlSyntaxError[]): SyntaxProblemText[] {
  const lines = source.split(/\r?\n/);
  const seen = new Set<number>();
  const out: SyntaxProblemText[] = [];
  for (const error of errors) {
    if (seen.has(error.line)) continue;
    seen.add(error.line);
    out.push({ line: error.line, column: error.column, message: plainMessage(error, lines[error.line - 1] ?? "") });
  }
  return out;
}

function plainMessage(error: YamlSyntaxError, lineText: string): string {
  if (error.code === "TAB_AS_INDENT") {
    return "a tab indents this line; YAML indents with spaces only: replace the tab with spaces";
  }
  const aliasValue = unquotedStarValue(lineText);
  if (aliasValue !== undefined && /alias/i.test(`${error.code} ${error.message}`)) {
    // YAML 1.2 §7.1: `*name` is an alias node, so a bare cron expression is read as aliases.
    return `a value starting with "*" is read as a YAML alias; quote it: ${aliasValue.key}: "${aliasValue.value}"`;
  }
  return firstLine(error.message);
}

/** `    schedule: *\/10 * * * *` (a cron expression) → key and value, when the value is an unquoted text starting with `*`. */
function unquotedStarValue(lineText: string): { key: string; value: string } | undefined {
  const match = /^\s*(?:-\s+)?([^\s:#][^:#]*?):\s+(\*[^#]*?)\s*(?:#.*)?$/.exec(lineText);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { key: match[1], value: match[2] };
}

/** The parser's messages end with a code frame or position suffix; the problem carries both already. */
export function firstLine(message: string): string {
  return message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? message;
}
