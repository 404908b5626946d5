/**
 * Which replica runs the collector. Only the leader collects and writes; every replica serves.
 * `start` reports each gain and loss of leadership through `onChange`.
 */
export interface LeaderLock {
  start(onChange: (isLeader: boolean) => void): void;
  isLeader(): boolean;
  /** Give leadership up (reporting `false` if it was held) and release every resource. */
  stop(): Promise<void>;
}
