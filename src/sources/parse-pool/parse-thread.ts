/**
 * A parse thread's entry point (worker_threads): runs the jobs the pool posts, one at a time, and
 * answers each with its output or its error as plain data. Started only by parse-pool.ts; loaded
 * from dist/ as JavaScript.
 */
import { parentPort } from "node:worker_threads";
import { isParseJobKind, parseInline } from "../parse-jobs.js";
import { sendError } from "./error-transport.js";
import type { JobReply, JobRequest, ThreadReady } from "./messages.js";

const port = parentPort;
if (port === null) throw new Error("parse-pool: parse-thread.js runs only as a worker thread");

port.on("message", (request: JobRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});
// Static imports are loaded by now: the pool may start timing jobs.
port.postMessage({ ready: true } satisfies ThreadReady);

async function answer({ id, kind, input }: JobRequest): Promise<JobReply> {
  try {
    if (!isParseJobKind(kind)) throw new Error(`parse-pool: no parse job named '${kind}'`);
    // The pool posts `input` as the Parse signature typed it for `kind`.
    const output: unknown = await parseInline(kind, input as Parameters<typeof parseInline>[1]);
    return { id, ok: true, output };
  } catch (error) {
    return { id, ok: false, error: sendError(error) };
  }
}
