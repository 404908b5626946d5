import { parse as parseCron } from "node-cron";
import type { EpochMs, Source, SourceState } from "../model/index.js";
import { planSchedule } from "./schedule-plan.js";

const MINUTE = 60_000;

/**
 * Parsed cron expressions by text. `every:` plans differ only in their second offset (at most 60
 * texts per interval), so thousands of sources share a few hundred entries, and the rest are the
 * `schedule:` texts ops wrote: the map stays as small as the configs this process has seen.
 * Parsing each source's on every max-age computation was most of its cost (bench/scale).
 */
const PARSED = new Map<string, ReturnType<typeof parseCron>>();

function parsed(expression: string): ReturnType<typeof parseCron> {
  let fields = PARSED.get(expression);
  if (fields === undefined) {
    fields = parseCron(expression);
    PARSED.set(expression, fields);
  }
  return fields;
}

/**
 * When the worker will next start a source that could change the store, from the config and the
 * source's stored state alone, so every replica computes what the leader's scheduler will do:
 * the first tick of its cron plan (schedule-plan.ts) not before its minimum gap since the last
 * run, nor before a backoff or Retry-After (`nextAttemptAt`; ticks before it are skipped).
 * Undefined when no tick falls before `until` (callers bound what they use it for anyway).
 */
export function nextRunAt(
  source: Source,
  state: SourceState | undefined,
  now: EpochMs,
  until: EpochMs,
): EpochMs | undefined {
  if (!source.enabled) return undefined;
  const { cron, minGapMs } = planSchedule(source.id, source.schedule);
  const gapEnd = minGapMs > 0 && state?.lastRunAt !== undefined ? state.lastRunAt + minGapMs : 0;
  const earliest = Math.max(now, gapEnd, state?.nextAttemptAt ?? 0);
  return nextCronTick(cron, earliest, until);
}

/**
 * The first instant after `after` and before `until` that the cron expression matches, in the
 * process's local time as node-cron reads it, walking minutes (each tested on integers only).
 * Day-of-month and weekday fields that use node-cron's words (L, #) are taken as matching: an
 * earlier answer only makes a cache revalidate sooner.
 */
export function nextCronTick(expression: string, after: EpochMs, until: EpochMs): EpochMs | undefined {
  const fields = parsed(expression);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const matches = (values: readonly (number | string)[], value: number): boolean =>
    values.some((entry) => typeof entry === "string") || values.includes(value);
  for (let minute = Math.floor(after / MINUTE) * MINUTE; minute < until; minute += MINUTE) {
    const local = new Date(minute);
    const due =
      fields.minute.includes(local.getMinutes()) &&
      fields.hour.includes(local.getHours()) &&
      fields.month.includes(local.getMonth() + 1) &&
      matches(fields.dayOfMonth, local.getDate()) &&
      matches(fields.dayOfWeek, local.getDay());
    if (!due) continue;
    const second = seconds.find((s) => minute + s * 1000 > after);
    if (second !== undefined && minute + second * 1000 < until) return minute + second * 1000;
  }
  return undefined;
}
