/**
 * Split a list into runs of at most `size`, so one statement never binds an unbounded array
 * (a 200,000-item import would otherwise be a single message of hundreds of megabytes).
 */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < list.length; start += size) runs.push(list.slice(start, start + size));
  return runs;
}
