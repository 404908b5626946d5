/**
 * Every failure of a store (bad URL, unreadable database, failed migration, failed query) is
 * reported as a StoreError whose message starts with "store:" and whose cause is the driver error.
 */
export class StoreError extends Error {
  override readonly name = "StoreError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
