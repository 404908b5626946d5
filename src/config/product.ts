/**
 * The product this build is: package.json's `name` and `version`, the one place they are written.
 * It names the service in User-Agent (RFC 9110 §10.1.5 product token) and in feed `<generator>`.
 */
import { ConfigError } from "./config-error.js";

export interface Product {
  readonly name: string;
  readonly version: string;
}

/** `name/version`, an RFC 9110 §10.1.5 product token. */
export function productToken(product: Product): string {
  return `${product.name}/${product.version}`;
}

/** RFC 9110 §5.6.2 token characters: a name or version outside them would break the User-Agent field. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** package.json's parsed text → Product; anything else is a ConfigError naming what is wrong. */
export function parseProduct(packageJson: unknown, file: string): Product {
  const { name, version } = (typeof packageJson === "object" && packageJson !== null ? packageJson : {}) as {
    name?: unknown;
    version?: unknown;
  };
  if (typeof name !== "string" || !TOKEN.test(name) || typeof version !== "string" || !TOKEN.test(version)) {
    throw new ConfigError(
      `config: ${file} must have a token-like "name" and "version", got ${JSON.stringify({ name, version })}`,
    );
  }
  return { name, version };
}
