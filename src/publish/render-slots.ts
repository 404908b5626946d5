/**
 * A counting semaphore for renders. Each distinct feed variant a client names costs a store query,
 * a render and two compressions, all held in memory until done; without a bound, thousands of
 * anonymous requests with distinct parameters run thousands of renders at once. Waiters queue in
 * arrival order and hold only a callback each.
 */
export interface RenderSlots {
  /** Runs `work` once a slot is free; the slot is released when it settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Changes how many renders may run at once; waiters start at once when slots open up. */
  resize(limit: number): void;
  /** Renders running now. */
  running(): number;
}

export function createRenderSlots(initialLimit: number): RenderSlots {
  let limit = Math.max(1, initialLimit);
  let running = 0;
  const waiting: Array<() => void> = [];

  /** A freed slot passes straight to the next waiter, so a newcomer cannot take it in between. */
  function release(): void {
    const next = running <= limit ? waiting.shift() : undefined;
    if (next) next();
    else running--;
  }

  function settle<T>(work: () => Promise<T>): Promise<T> {
    try {
      return work().finally(release);
    } catch (error) {
      release();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  return {
    run(work) {
      // With a slot free the work starts synchronously, as an unbounded call would.
      if (running < limit) {
        running++;
        return settle(work);
      }
      return new Promise<void>((resolve) => waiting.push(resolve)).then(() => settle(work));
    },
    resize(next) {
      limit = Math.max(1, next);
      while (running < limit && waiting.length > 0) {
        running++;
        waiting.shift()?.();
      }
    },
    running: () => running,
  };
}
