/**
 * Human-written quantities in the YAML: durations (`30s`, `10m`, `1h`, `1d`) and byte sizes
 * (`512KB`, `10MB`). One integer and one unit, so a reviewer reads the value at a glance.
 */

const DURATION_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The shape every duration in the config must have (also published in the JSON Schema). */
export const DURATION_PATTERN = /^[1-9][0-9]*(s|m|h|d)$/;
export const DURATION_HINT = "expected a duration like 30s, 10m, 1h or 1d";

/** Milliseconds for `30s`, `10m`, `1h`, `1d`; undefined for anything else (zero, decimals, other units). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const unit = match[1] as keyof typeof DURATION_UNITS_MS;
  return Number.parseInt(text, 10) * DURATION_UNITS_MS[unit];
}

/**
 * The config's own spelling of a duration: the largest unit that divides it (600000 → `10m`), so
 * /status shows what ops wrote; `parseDuration(formatDuration(ms)) === ms` for every whole second.
 */
export function formatDuration(ms: number): string {
  const units = Object.entries(DURATION_UNITS_MS).reverse();
  const [unit, size] = units.find(([, size]) => ms % size === 0 && ms >= size) ?? ["ms", 1];
  return `${ms / size}${unit}`;
}

/** Binary multiples, as nginx and most ops tooling read `10MB`. */
const BYTE_UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 } as const;

export const BYTE_SIZE_PATTERN = /^[1-9][0-9]*(B|KB|MB|GB)$/;
export const BYTE_SIZE_HINT = "expected a size like 512KB, 10MB or 1GB";

/** Bytes for `512KB`, `10MB`, `1GB` (1 KB = 1024 B); undefined for anything else. */
export function parseByteSize(text: string): number | undefined {
  const match = BYTE_SIZE_PATTERN.exec(text);
  if (!match) return undefined;
  const unit = match[1] as keyof typeof BYTE_UNITS;
  return Number.parseInt(text, 10) * BYTE_UNITS[unit];
}
