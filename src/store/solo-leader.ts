import type { LeaderLock } from "./leader.js";

/**
 * The leader of a single-process deployment (the embedded SQLite store): it leads from `start`
 * until `stop`, with nobody to compete with.
 */
export function createSoloLeader(): LeaderLock {
  let onChange: ((isLeader: boolean) => void) | undefined;
  return {
    start(listener) {
      if (onChange !== undefined) return;
      onChange = listener;
      listener(true);
    },
    isLeader: () => onChange !== undefined,
    async stop() {
      const listener = onChange;
      onChange = undefined;
      listener?.(false);
    },
  };
}
