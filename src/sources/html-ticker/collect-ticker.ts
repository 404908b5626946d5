/**
 * The html-ticker source kind: a page's "Latest News" ticker, one item (kind "ticker") per line,
 * each dated from the wall-clock time it shows in the site's zone. The page is read on a parse
 * thread (read-ticker.ts); the lines are dated here, where the store is.
 */
import type { CollectedItem, EpochMs, Source } from "../../model/index.js";
import type { CollectContext, CollectOutcome, Collector } from "../collector.js";
import { fetchConditionally } from "../conditional-fetch.js";
import { fetchedDocument } from "../fetched-document.js";
import { dedupeById } from "../normalize.js";
import { parserOf } from "../parse-jobs.js";
import { addDays, formatLocalDate, isTimeZone } from "../../zones/zone-clock.js";
import type { LocalDate } from "../../zones/zone-clock.js";
import { assignTickerDays, zonedToEpoch } from "./ticker-dates.js";
import type { RecallDay } from "./ticker-dates.js";
import { TickerError } from "./ticker-error.js";
import { tickerItem } from "./ticker-item.js";
import type { TickerItemContext } from "./ticker-item.js";
import type { TickerLine, TickerSelectors } from "./ticker-page.js";

const HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";

/**
 * How far back a line may be recognised as one already stored. A ticker the site stops updating
 * (a weekend, a broken CMS) still shows Friday's lines on Saturday evening, when the walk would
 * date them Saturday and mint new ids; the store already holds them under Friday, so they keep it.
 */
const RECALL_DAYS = 7;

export const collectTicker: Collector = async (source, ctx) => {
  const { select, timeZone } = tickerConfig(source);
  const response = await fetchConditionally({ url: source.url, accept: HTML_ACCEPT, previous: ctx.previous }, ctx);
  if (response.status === "not-modified") return response.outcome;
  const { fetched, validators } = response;

  const page = await parserOf(ctx)("ticker-page", {
    document: fetchedDocument(fetched),
    ...(select !== undefined && { select }),
  });
  const now = ctx.clock();
  const itemContext: TickerItemContext = {
    sourceId: source.id,
    baseUrl: page.baseUrl,
    now,
    ...(page.language !== undefined && { language: page.language }),
  };
  const items = await datedItems(page.lines, timeZone, itemContext, ctx);
  return {
    items: dedupeById(items),
    warnings: page.warnings,
    notModified: false,
    ...validators,
  } satisfies CollectOutcome;
};

/** The source's selectors (undefined: detect the ticker) and zone. */
function tickerConfig(source: Source): { select: TickerSelectors | undefined; timeZone: string } {
  const { item, time, title, link } = source.select ?? {};
  if (source.select !== undefined && (item === undefined || time === undefined)) {
    throw new TickerError(
      `html-ticker: source '${source.id}' needs select.item and select.time (or no select: at all)`,
    );
  }
  if (source.timezone === undefined) {
    throw new TickerError(
      `html-ticker: source '${source.id}' needs a timezone (the site's IANA zone, e.g. Africa/Casablanca)`,
    );
  }
  if (!isTimeZone(source.timezone)) {
    throw new TickerError(`html-ticker: source '${source.id}' has an unknown timezone '${source.timezone}'`);
  }
  const select =
    item === undefined || time === undefined
      ? undefined
      : { item, time, ...(title !== undefined && { title }), ...(link !== undefined && { link }) };
  return { select, timeZone: source.timezone };
}

/** Dates every line (ticker-dates.ts), letting a line already stored under an earlier day keep it. */
async function datedItems(
  lines: readonly TickerLine[],
  timeZone: string,
  itemContext: TickerItemContext,
  ctx: CollectContext,
): Promise<CollectedItem[]> {
  const times = lines.map((line) => line.time);
  const instant = (index: number, day: LocalDate): EpochMs =>
    zonedToEpoch(day, lines[index]?.time ?? { hour: 0, minute: 0 }, timeZone);
  const idOn = (index: number, day: LocalDate): string | undefined => {
    const line = lines[index];
    return line === undefined ? undefined : tickerItem(line, instant(index, day), itemContext)?.id;
  };

  const candidates = recallCandidates(assignTickerDays(times, itemContext.now, timeZone), idOn);
  const known = candidates.size === 0 ? new Set<string>() : await ctx.knownIds([...new Set(candidates.values())]);
  const isKnown = (index: number, day: LocalDate): boolean => {
    const id = candidates.get(candidateKey(index, day));
    return id !== undefined && known.has(id);
  };
  const recall: RecallDay = (index, walkedDay) => {
    if (isKnown(index, walkedDay)) return undefined;
    for (let back = 1; back <= RECALL_DAYS; back++) {
      const day = addDays(walkedDay, -back);
      if (isKnown(index, day)) return day;
    }
    return undefined;
  };

  const days = assignTickerDays(times, itemContext.now, timeZone, recall);
  return lines.flatMap((line, index) => {
    const day = days[index];
    const item = day === undefined ? undefined : tickerItem(line, instant(index, day), itemContext);
    return item === undefined ? [] : [item];
  });
}

/**
 * The ids each line would have on the day the plain walk gives it and on each of the RECALL_DAYS
 * before, keyed by line and day (a linked line has one id whatever the day, so it is never recalled).
 */
function recallCandidates(
  walkedDays: readonly LocalDate[],
  idOn: (index: number, day: LocalDate) => string | undefined,
): Map<string, string> {
  const candidates = new Map<string, string>();
  walkedDays.forEach((walked, index) => {
    for (let back = 0; back <= RECALL_DAYS; back++) {
      const day = addDays(walked, -back);
      const id = idOn(index, day);
      if (id !== undefined) candidates.set(candidateKey(index, day), id);
    }
  });
  return candidates;
}

function candidateKey(index: number, day: LocalDate): string {
  return `${index}@${formatLocalDate(day)}`;
}
