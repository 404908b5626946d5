/**
 * The fixed set of route labels HTTP metrics use. Never the raw URL: every distinct path or
 * query would be a new time series, and anyone could mint them.
 */
export const ROUTE_LABELS = [
  "feed",
  "index",
  "opml",
  "stylesheet",
  "healthz",
  "status",
  "metrics",
  "websub",
  "admin",
  "other",
] as const;

export type RouteLabel = (typeof ROUTE_LABELS)[number];

/** Told about every answered request (metrics). */
export type HttpObserver = (route: RouteLabel, status: number, seconds: number) => void;

const EXACT: ReadonlyMap<string, RouteLabel> = new Map<string, RouteLabel>([
  ["/", "index"],
  ["/feeds.opml", "opml"],
  ["/feed.xsl", "stylesheet"],
  ["/healthz", "healthz"],
  ["/status", "status"],
  ["/status.json", "status"],
  ["/metrics", "metrics"],
  ["/websub", "websub"],
  ["/admin", "admin"],
]);

/** The route a request target (`req.url`: path and query) belongs to. */
export function routeLabel(url: string): RouteLabel {
  if (url.startsWith("/feeds/")) return "feed";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  return EXACT.get(path) ?? (path.startsWith("/admin/") ? "admin" : "other");
}
