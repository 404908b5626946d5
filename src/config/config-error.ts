/** A configuration or environment value the service cannot start with. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
