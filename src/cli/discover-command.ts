import { readProduct } from "../app/product.js";
import { formatProblem, loadConfig } from "../config/config.js";
import { buildFetchOptions, resolveSourceUrl } from "../config/build.js";
import { readSettings } from "../config/settings.js";
import { decodeText } from "../sources/decode.js";
import { discoverPage } from "../sources/discover.js";
import type { DiscoveryReport } from "../sources/discover.js";
import { fetchResource } from "../sources/fetch.js";
import type { FetchOptions } from "../sources/fetch.js";
import { TZ_DATA_VERSION, isTimeZone } from "../zones/zone-clock.js";

type Env = Readonly<Record<string, string | undefined>>;

export const DISCOVER_USAGE = `usage: npm run discover -- URL [--timezone ZONE] [--base URL] [--json]

Fetches one page (http(s) URL, or a file path) and prints what zero-config detection finds there:
the ticker lines with the instants they would be published at, the article links, and the
select: blocks that would pin them in config/sources.yaml.

  --timezone ZONE  IANA zone the ticker's times are read in (default: the timezone of a configured
                   source with this URL, else UTC)
  --base URL       the page's address, for a page saved to a file: its links resolve against it
  --json           print the report as JSON
  --help           this text

Exit status: 0 when a ticker or article links were found, 1 when nothing was, 2 on bad usage.`;

interface DiscoverArgs {
  readonly url: string;
  readonly timeZone?: string;
  readonly base?: string;
  readonly json: boolean;
}

/** `discover URL`: see {@link DISCOVER_USAGE}. */
export async function discoverCommand(
  env: Env,
  args: readonly string[],
  clock: () => number = Date.now,
): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === "help") {
    console.log(DISCOVER_USAGE);
    return 0;
  }
  if ("error" in parsed) {
    console.error(`discover: ${parsed.error}\n\n${DISCOVER_USAGE}`);
    return 2;
  }
  const settings = readSettings(env);
  const product = await readProduct();
  const loaded = await loadConfig(settings.configDir, product);
  if (!loaded.ok) {
    console.error(
      `discover: the config in ${settings.configDir} is not valid (fetch settings fall back to the built-in ones):`,
    );
    for (const problem of loaded.problems) console.error(`  ${formatProblem(problem)}`);
  }
  const url = resolveSourceUrl(parsed.url, process.cwd());
  const configured = loaded.ok ? loaded.config.sources.find((source) => source.url === url) : undefined;
  const timeZone = parsed.timeZone ?? configured?.timezone ?? "UTC";
  if (!isTimeZone(timeZone)) {
    console.error(`discover: unknown time zone '${timeZone}' (expected an IANA zone like Africa/Casablanca)`);
    return 2;
  }
  // The page is the operator's own choice on the command line: a saved page may be anywhere on disk.
  const options: FetchOptions = {
    ...(loaded.ok ? loaded.config.fetch : buildFetchOptions(product)),
    fileRoots: undefined,
  };
  const fetched = await fetchResource({ url, options, accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1" });
  if (fetched.status !== "ok") {
    console.error(`discover: ${url} answered 304 Not Modified to an unconditional request`);
    return 1;
  }
  const { text } = decodeText(fetched.body, {
    format: "html",
    ...(fetched.contentType !== undefined && { contentType: fetched.contentType }),
  });
  const report = discoverPage(text, parsed.base ?? fetched.url, { timeZone, now: clock() });
  if (parsed.json) console.log(JSON.stringify({ ...report, timeZoneData: TZ_DATA_VERSION }, null, 2));
  else
    console.log(
      formatReport(report, { assumedZone: parsed.timeZone === undefined && configured?.timezone === undefined }),
    );
  return report.ticker.found || report.articles.found ? 0 : 1;
}

function parseArgs(args: readonly string[]): DiscoverArgs | "help" | { error: string } {
  let url: string | undefined;
  let timeZone: string | undefined;
  let base: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--json") json = true;
    else if (arg === "--timezone" || arg === "--tz") {
      timeZone = args[++i];
      if (timeZone === undefined) return { error: `${arg} needs a zone` };
    } else if (arg.startsWith("--timezone=")) timeZone = arg.slice("--timezone=".length);
    else if (arg === "--base") {
      base = args[++i];
      if (base === undefined || !URL.canParse(base)) return { error: "--base needs an absolute URL" };
    } else if (arg.startsWith("-")) return { error: `unknown option ${arg}` };
    else if (url === undefined) url = arg;
    else return { error: `one URL at a time (got ${url} and ${arg})` };
  }
  if (url === undefined) return { error: "which page? give its URL" };
  return { url, json, ...(timeZone !== undefined && { timeZone }), ...(base !== undefined && { base }) };
}

function formatReport(report: DiscoveryReport, { assumedZone }: { assumedZone: boolean }): string {
  const out: string[] = [`Page: ${report.url}`, ""];
  const { ticker, articles } = report;
  if (!ticker.found) {
    out.push(`Ticker: none found: ${ticker.reason ?? "no block qualified"}.`);
  } else {
    const chosen = ticker.blocks.find((block) => block.chosen);
    const heading = chosen?.heading === undefined ? "without a heading" : `headed "${chosen.heading}"`;
    const others = ticker.blocks.length - 1;
    out.push(
      `Ticker: ${ticker.lines.length} lines in the block ${heading}${others > 0 ? ` (${others} other block(s) of timed lines passed over)` : ""}.`,
      `  Times read in ${ticker.timeZone} (IANA tz ${TZ_DATA_VERSION})${assumedZone ? "; assumed: pass --timezone for the site's zone" : ""}.`,
    );
    for (const line of ticker.lines) {
      out.push(
        `  ${line.time}  ${line.published}  ${line.title}${line.link === undefined ? "" : `\n${" ".repeat(30)}${line.link}`}`,
      );
    }
    out.push(
      ticker.select === undefined
        ? `  No select: pins it: ${ticker.selectReason ?? ""}.`
        : `  To pin it: select: ${JSON.stringify(ticker.select)}`,
    );
  }
  out.push("");
  const rejected = articles.rejectedSummary;
  if (!articles.found) {
    out.push(`Article links: none found: ${articles.reason ?? ""}.`);
  } else {
    out.push(`Article links: ${articles.links.length} found${rejected === "" ? "" : ` (left out: ${rejected})`}.`);
    for (const link of articles.links) out.push(`  ${link}`);
    out.push(
      articles.selectLink === undefined
        ? "  No single select.link picks exactly these; leave select: out."
        : `  To pin them: select: ${JSON.stringify({ link: articles.selectLink })}`,
    );
  }
  return out.join("\n");
}
