import type { SentError } from "./error-transport.js";

/** What the pool and a parse thread say to each other: one job at a time per thread, answered by id. */

export interface JobRequest {
  readonly id: number;
  readonly kind: string;
  readonly input: unknown;
}

export type JobReply =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SentError };

/**
 * Sent once, when the thread has loaded the parsers: a job's time budget starts when a ready thread
 * takes it, so seconds of module loading on a busy machine never count against a document.
 */
export interface ThreadReady {
  readonly ready: true;
}

export type ThreadMessage = JobReply | ThreadReady;
