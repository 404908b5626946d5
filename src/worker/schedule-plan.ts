import type { Schedule } from "../model/index.js";

/**
 * How a source's schedule maps onto node-cron. A cron `schedule:` is used as written. An
 * `every:` interval becomes a cron tick at the interval's natural granularity, offset by a
 * per-source second so sources with the same interval do not all start at :00; intervals a
 * cron field cannot divide evenly (7m, 90m) tick more often and run once `every` has elapsed.
 */
export interface SchedulePlan {
  readonly cron: string;
  /** Minimum time between two starts; 0 for cron schedules (every tick runs). */
  readonly minGapMs: number;
}

export function planSchedule(sourceId: string, schedule: Schedule): SchedulePlan {
  if ("cron" in schedule) return { cron: schedule.cron, minGapMs: 0 };
  const seconds = Math.max(1, Math.round(schedule.every / 1000));
  const offset = stableOffset(sourceId, 60);
  if (seconds < 60) {
    return divides(seconds, 60)
      ? { cron: `*/${seconds} * * * * *`, minGapMs: 0 }
      : { cron: `* * * * * *`, minGapMs: schedule.every };
  }
  const minutes = seconds / 60;
  if (Number.isInteger(minutes) && minutes < 60 && divides(minutes, 60)) {
    return { cron: `${offset} */${minutes} * * * *`, minGapMs: 0 };
  }
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours < 24 && divides(hours, 24)) {
    return { cron: `${offset} ${stableOffset(sourceId + "#m", 60)} */${hours} * * *`, minGapMs: 0 };
  }
  // Not a divisor of a cron field: tick every minute and let the gap decide.
  return { cron: `${offset} * * * * *`, minGapMs: schedule.every - 1000 };
}

function divides(n: number, whole: number): boolean {
  return Number.isInteger(n) && n > 0 && whole % n === 0;
}

/** A deterministic number in [0, modulo) from the source id (FNV-1a). */
function stableOffset(key: string, modulo: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % modulo;
}
