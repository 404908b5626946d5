/**
 * Parse threads for upstream documents (issue 9 point 1): a document inside the markup limits can
 * still cost a second of parsing (a 5 MB page, a feed with thousands of entries), and on the thread
 * that serves requests that second is a second every reader waits. The pool runs each parse job
 * (parse-jobs.ts) on a worker thread instead, so the serving event loop only copies bytes in and
 * plain items out.
 *
 * Bounded on every side: `threads` jobs run at once, at most `maxQueue` wait (more fail at once
 * with a ParsePoolError rather than pile up), and a job still running after `budgetMs` fails with a
 * ParseBudgetError while its thread is terminated and replaced — so one hostile document fails its
 * source (which backs off, see refused-input.ts), never the process. Threads start on first use.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { Parse, ParseInput, ParseJobKind, ParseOutput } from "../parse-jobs.js";
import { receiveError } from "./error-transport.js";
import type { JobReply, JobRequest, ThreadMessage } from "./messages.js";
import { ParseBudgetError, ParsePoolError } from "./parse-pool-error.js";

export interface ParsePoolOptions {
  /** Parse threads; see {@link defaultParseThreads}. */
  readonly threads: number;
  /** Jobs that may wait for a thread; one more is refused at once. */
  readonly maxQueue: number;
  /** How long one document may take on its thread before the thread is stopped. */
  readonly budgetMs: number;
  /** The thread's entry, parse-thread.js: next to this module in dist/, compiled by tests. */
  readonly entry: URL;
  readonly logger: Logger;
}

export interface ParsePoolStats {
  readonly threads: number;
  readonly busy: number;
  readonly queued: number;
  /** Threads stopped for running past the budget or dying, since the pool started. */
  readonly replaced: number;
}

export interface ParsePool {
  readonly parse: Parse;
  /** A new per-document budget (a config reload); jobs already running keep theirs. */
  setBudget(budgetMs: number): void;
  stats(): ParsePoolStats;
  /** Refuses new jobs, fails waiting and running ones, and terminates every thread. */
  close(): Promise<void>;
}

/**
 * One thread per core beyond the one that serves, at most two: parsing is bursty (a collect pass),
 * and more threads would only compete with serving for the same cores.
 */
export function defaultParseThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

/** Jobs that may wait: a pass over every source with html-articles pages in flight fits well within it. */
export const PARSE_QUEUE_MAX = 64;

/** The entry in dist/ (this module's sibling), for the composition root. */
export const PARSE_THREAD_ENTRY = new URL("./parse-thread.js", import.meta.url);

interface Job {
  readonly id: number;
  readonly kind: ParseJobKind;
  readonly input: ParseInput<ParseJobKind>;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  /** It has loaded the parsers (messages.ts ThreadReady). */
  ready: boolean;
  running?: { readonly job: Job; readonly timer: NodeJS.Timeout } | undefined;
}

export function createParsePool(options: ParsePoolOptions): ParsePool {
  const { threads: size, maxQueue, entry, logger } = options;
  let budgetMs = options.budgetMs;
  let nextId = 1;
  let closed = false;
  let replaced = 0;
  const queue: Job[] = [];
  const threads = new Set<Thread>();

  function spawn(): Thread {
    const thread: Thread = { worker: new Worker(entry), ready: false };
    thread.worker.on("message", (message: ThreadMessage) => {
      if ("ready" in message) {
        thread.ready = true;
        pump();
      } else settle(thread, message);
    });
    thread.worker.on("error", (error) => retire(thread, crashed(thread, error)));
    thread.worker.on("exit", (code) => {
      if (threads.has(thread)) retire(thread, crashed(thread, new Error(`the thread exited with code ${code}`)));
    });
    threads.add(thread);
    return thread;
  }

  function crashed(thread: Thread, cause: unknown): ParsePoolError {
    const what = thread.running === undefined ? "an idle parse thread" : labelOf(thread.running.job);
    return new ParsePoolError(`parse-pool: the parse thread died while reading ${what}`, { cause });
  }

  /** Starts waiting jobs on idle threads, and threads (up to the pool's size) for jobs no starting thread will take. */
  function pump(): void {
    for (;;) {
      const idle = [...threads].find((thread) => thread.ready && thread.running === undefined);
      const job = idle === undefined ? undefined : queue.shift();
      if (idle === undefined || job === undefined) break;
      start(idle, job);
    }
    const starting = [...threads].filter((thread) => !thread.ready).length;
    for (let more = queue.length - starting; more > 0 && threads.size < size; more--) spawn();
  }

  function start(thread: Thread, job: Job): void {
    const budget = budgetMs;
    const timer = setTimeout(() => {
      const error = new ParseBudgetError(
        `parse-pool: gave up on ${labelOf(job)} after ${budget} ms (the per-document parse budget); its thread was replaced`,
      );
      retire(thread, error);
    }, budget);
    thread.running = { job, timer };
    const request: JobRequest = { id: job.id, kind: job.kind, input: job.input };
    thread.worker.postMessage(request);
  }

  function settle(thread: Thread, reply: JobReply): void {
    const running = thread.running;
    if (running === undefined || running.job.id !== reply.id) return;
    clearTimeout(running.timer);
    thread.running = undefined;
    if (reply.ok) running.job.resolve(reply.output);
    else running.job.reject(receiveError(reply.error));
    pump();
  }

  /** Takes a thread out of the pool (budget passed, crash), failing its job; a replacement starts when a job waits. */
  function retire(thread: Thread, error: Error): void {
    if (!threads.delete(thread)) return;
    const running = thread.running;
    thread.running = undefined;
    if (running !== undefined) {
      clearTimeout(running.timer);
      running.job.reject(error);
    }
    replaced++;
    logger.warn({ err: error.message }, "parse thread stopped and replaced");
    void thread.worker.terminate();
    // A thread that died before loading the parsers (a missing or broken entry) would die again:
    // the waiting documents fail now instead of respawning threads for ever.
    if (!thread.ready) {
      const cause = new ParsePoolError("parse-pool: a parse thread could not start", { cause: error });
      for (const job of queue.splice(0)) job.reject(cause);
      return;
    }
    pump();
  }

  const parse: Parse = <K extends ParseJobKind>(kind: K, input: ParseInput<K>): Promise<ParseOutput<K>> =>
    new Promise<ParseOutput<K>>((resolve, reject) => {
      if (closed) throw new ParsePoolError(`parse-pool: closed; cannot read ${input.document.url}`);
      if (queue.length >= maxQueue) {
        throw new ParsePoolError(
          `parse-pool: ${queue.length} documents already wait for a parse thread; ${input.document.url} was not read`,
        );
      }
      queue.push({
        id: nextId++,
        kind,
        input,
        // The thread ran the job named `kind`, whose output is ParseOutput<K>.
        resolve: (output) => resolve(output as ParseOutput<K>),
        reject,
      });
      pump();
    });

  return {
    parse,
    setBudget(next) {
      budgetMs = next;
    },
    stats() {
      const busy = [...threads].filter((thread) => thread.running !== undefined).length;
      return { threads: threads.size, busy, queued: queue.length, replaced };
    },
    async close() {
      closed = true;
      const error = new ParsePoolError("parse-pool: closed while the document waited");
      for (const job of queue.splice(0)) job.reject(error);
      const stopping = [...threads];
      threads.clear();
      for (const thread of stopping) {
        if (thread.running !== undefined) {
          clearTimeout(thread.running.timer);
          thread.running.job.reject(
            new ParsePoolError(`parse-pool: closed while reading ${labelOf(thread.running.job)}`),
          );
        }
      }
      await Promise.all(stopping.map((thread) => thread.worker.terminate()));
    },
  };
}

function labelOf(job: Job): string {
  return `the ${job.kind} document ${job.input.document.url}`;
}
