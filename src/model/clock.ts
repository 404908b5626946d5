import type { EpochMs } from "./item.js";

/** Injected wherever time matters, so tests control it. */
export type Clock = () => EpochMs;
