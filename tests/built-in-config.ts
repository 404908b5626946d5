import { buildConfig } from "../src/config/build.js";
import type { FetchOptions } from "../src/sources/fetch.js";
import type { BackoffPolicy } from "../src/worker/backoff.js";
import type { FreshnessBounds } from "../src/http/max-age.js";
import { TEST_PRODUCT } from "./fixtures/product.js";

/**
 * The config an empty sources.yaml and categories.yaml give: the built-in defaults
 * (src/config/defaults.ts) as the service applies them, for tests that need "the defaults"
 * without writing config files. There is no second copy of them in src/ to drift from these.
 */
const BUILT_IN = buildConfig(process.cwd(), { sources: [] }, { categories: [] }, TEST_PRODUCT);

/** Built-in fetch settings, without file confinement (tests read fixtures from temporary dirs). */
export const BUILT_IN_FETCH: FetchOptions = { ...BUILT_IN.fetch, fileRoots: undefined };

export const BUILT_IN_BACKOFF: BackoffPolicy = BUILT_IN.backoff;

export const BUILT_IN_FRESHNESS: FreshnessBounds = {
  minSeconds: BUILT_IN.publish.minMaxAgeSeconds,
  maxSeconds: BUILT_IN.publish.maxMaxAgeSeconds,
};
