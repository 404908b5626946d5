import pino from "pino";
import { describe, expect, it } from "vitest";
import { warnIfBaseUrlDefaulted } from "../../src/app/config-state.js";
import { readSettings } from "../../src/config/settings.js";

function capturingLogger(): {
  logger: pino.Logger;
  lines: () => Array<{ level: number; msg: string; baseUrl?: string }>;
} {
  const chunks: string[] = [];
  const logger = pino({ level: "info" }, { write: (chunk: string) => void chunks.push(chunk) });
  return { logger, lines: () => chunks.map((chunk) => JSON.parse(chunk) as { level: number; msg: string }) };
}

describe("warnIfBaseUrlDefaulted", () => {
  it("warns that links point at localhost when BASE_URL is unset", () => {
    const { logger, lines } = capturingLogger();
    warnIfBaseUrlDefaulted(readSettings({ PORT: "9000" }), logger);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 40, baseUrl: "http://localhost:9000" });
    expect(lines()[0]?.msg).toMatch(/^BASE_URL is not set/);
  });

  it("stays quiet when BASE_URL is set", () => {
    const { logger, lines } = capturingLogger();
    warnIfBaseUrlDefaulted(readSettings({ BASE_URL: "https://feeds.example.org" }), logger);
    expect(lines()).toEqual([]);
  });
});
