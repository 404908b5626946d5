import type { Category, Source } from "../model/index.js";
import type { ConfigProblem } from "./problem.js";
import type { Product } from "./product.js";

/** Everything config/*.yaml says, validated, defaulted and deeply frozen. */
export interface Config {
  /** This build, from package.json: `<generator>` in feeds and the User-Agent name it. */
  readonly product: Product;
  readonly sources: readonly Source[];
  readonly categories: readonly Category[];
  readonly site: { readonly title: string; readonly description: string; readonly language: string };
  readonly fetch: {
    /** `<name>/<version> (+<contact>)`, name and version from package.json */
    readonly userAgent: string;
    readonly connectTimeoutMs: number;
    readonly timeoutMs: number;
    readonly maxBytes: number;
    readonly maxRedirects: number;
    /** Upstream-named URLs may reach non-public addresses (see fetch.ts FetchRequest.configuredUrl). */
    readonly allowPrivateNetworks: boolean;
    /** CIDR blocks upstream-named URLs may reach anyway. */
    readonly allowedNetworks: readonly string[];
    /** Absolute directories file: sources may read: CONFIG_DIR and `allowed_file_dirs`. */
    readonly fileRoots: readonly string[];
  };
  readonly worker: {
    readonly concurrency: number;
    readonly perHost: number;
    /** Parse threads (`parse_threads`); absent: the parse pool's default for this machine. */
    readonly parseThreads?: number;
    /** How long one document may take on a parse thread (`parse_timeout`). */
    readonly parseBudgetMs: number;
  };
  /** Retry delays for a failing source: `baseMs` after the first failure, doubling, at most `capMs`. */
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  /** Bounds of a feed's Cache-Control max-age, and the render cache's byte budget. */
  readonly publish: {
    readonly minMaxAgeSeconds: number;
    readonly maxMaxAgeSeconds: number;
    readonly cacheMaxBytes: number;
  };
  readonly websub: {
    readonly lease: { readonly defaultSeconds: number; readonly minSeconds: number; readonly maxSeconds: number };
    readonly allowPrivateCallbacks: boolean;
    readonly allowedCallbackNetworks: readonly string[];
    readonly externalHubs: readonly string[];
    /** Live subscriptions per callback host and in all; a new one beyond either is refused. */
    readonly subscriptionCaps: { readonly perHost: number; readonly total: number };
  };
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config; readonly warnings: readonly ConfigProblem[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };
