import pg, { type CustomTypesConfig } from "pg";

/** pg_type oid of int8 (bigint), which is also what count(*) returns. */
const INT8_OID = 20;

/**
 * node-postgres returns bigint as a string, since it may exceed 2^53. Every bigint this store
 * holds is an epoch-millisecond time, a count or the revision, all far below 2^53, so they are
 * read as numbers. Passed per pool (not pg.types.setTypeParser) so nothing global changes.
 */
export const STORE_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID && format !== "binary") return parseInt8;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as CustomTypesConfig["getTypeParser"],
};

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`store: bigint ${value} is beyond 2^53`);
  return parsed;
}
