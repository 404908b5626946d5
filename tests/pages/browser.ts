/**
 * One headless Chromium for a test file, driven by puppeteer-core against the system binary (no
 * browser download at install or run time). Under CI a missing browser is a failure; locally the
 * tests skip with a message saying how to get one.
 */
import { existsSync } from "node:fs";
import puppeteer, { type Browser } from "puppeteer-core";

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Whether the browser tests run here; under CI they always do, so a missing binary fails them. */
export function browserTestsEnabled(): boolean {
  if (existsSync(CHROMIUM_PATH) || process.env["CI"] !== undefined) return true;
  console.warn(
    `Skipping browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests: no Chromium at ${CHROMIUM_PATH}; .ci/run installs the chromium package`);
  }
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Containers run tests as root, where Chromium's sandbox cannot start.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Widths the pages must fit without sideways scrolling: a small phone and a laptop. */
export const VIEWPORTS = [
  { name: "phone", width: 375, height: 740 },
  { name: "desktop", width: 1280, height: 800 },
] as const;
