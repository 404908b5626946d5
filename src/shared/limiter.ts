/**
 * Bounds concurrent collects: at most `concurrency` overall and `perHost` against any one
 * upstream host, so a pass never hammers a single site (politeness) nor the machine.
 */
export interface Limiter {
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
  /** New bounds (a config reload): tasks running keep running; waiting ones start as the new bounds allow. */
  setLimits(concurrency: number, perHost: number): void;
}

export function createLimiter(initialConcurrency: number, initialPerHost: number): Limiter {
  let concurrency = initialConcurrency;
  let perHost = initialPerHost;
  let active = 0;
  const activeByHost = new Map<string, number>();
  const waiting: Array<{ host: string; start: () => void }> = [];

  const canStart = (host: string): boolean => active < concurrency && (activeByHost.get(host) ?? 0) < perHost;

  const startNext = (): void => {
    for (let i = 0; i < waiting.length; i++) {
      const next = waiting[i];
      if (next && canStart(next.host)) {
        waiting.splice(i, 1);
        next.start();
        i--;
      }
    }
  };

  return {
    setLimits(nextConcurrency, nextPerHost) {
      concurrency = nextConcurrency;
      perHost = nextPerHost;
      startNext();
    },
    run<T>(host: string, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          active++;
          activeByHost.set(host, (activeByHost.get(host) ?? 0) + 1);
          task()
            .then(resolve, reject)
            .finally(() => {
              active--;
              const left = (activeByHost.get(host) ?? 1) - 1;
              if (left === 0) activeByHost.delete(host);
              else activeByHost.set(host, left);
              startNext();
            });
        };
        if (canStart(host)) start();
        else waiting.push({ host, start });
      });
    },
  };
}

/** The host a source's requests go to; file: sources share one local lane. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "file:" ? "file:" : parsed.host;
  } catch {
    return url;
  }
}
