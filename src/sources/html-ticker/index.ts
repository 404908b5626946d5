export { collectTicker } from "./collect-ticker.js";
export { TickerError } from "./ticker-error.js";
