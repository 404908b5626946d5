import type { SourceKind } from "../model/index.js";
import type { Collector } from "./collector.js";
import { collectFeed } from "./feed/index.js";
import { collectArticles } from "./html-articles/index.js";
import { collectTicker } from "./html-ticker/index.js";

/** The collector for each source kind; a kind added to the model must be added here (the type checks it). */
export const COLLECTORS: Readonly<Record<SourceKind, Collector>> = Object.freeze({
  feed: collectFeed,
  "html-articles": collectArticles,
  "html-ticker": collectTicker,
});
