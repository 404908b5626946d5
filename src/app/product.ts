/**
 * Reads package.json once, when a command starts (never at import). `../../package.json` from
 * this file is the project root both from src/app/ (tests, tsx) and from dist/app/ (the build,
 * and the Docker image, which copies package.json beside dist/).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseProduct, type Product } from "../config/product.js";

export async function readProduct(packageJson: URL = new URL("../../package.json", import.meta.url)): Promise<Product> {
  const file = fileURLToPath(packageJson);
  return parseProduct(JSON.parse(await readFile(file, "utf8")) as unknown, file);
}
