/**
 * Issue 9 point 7: `file:` sources read any file the process could (`/etc/passwd` was accepted)
 * and a line of it was quoted in a public /status.json warning. Reads are confined to the
 * configured directories on the real path, and a document that is no page is never quoted.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Source } from "../../src/model/index.js";
import type { CollectContext } from "../../src/sources/collector.js";
import { fetchResource, type FetchOptions } from "../../src/sources/fetch.js";
import { collectTicker } from "../../src/sources/html-ticker/index.js";
import { BUILT_IN_FETCH } from "../built-in-config.js";

const SECRET = "db_password=hunter2-do-not-publish";

describe("file: sources", () => {
  let root: string;
  let configDir: string;
  let options: FetchOptions;
  const fileUrl = (...parts: string[]): string => pathToFileURL(path.join(...parts)).href;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "file-sources-"));
    configDir = path.join(root, "config");
    await mkdir(path.join(configDir, "sample"), { recursive: true });
    await writeFile(path.join(configDir, "sample", "news.xml"), "<rss/>");
    await writeFile(
      path.join(configDir, "notes.txt"),
      `10:00 ${SECRET} in the notes file\n11:00 another line of the notes file\n`,
    );
    await writeFile(path.join(root, "outside.xml"), `<rss>${SECRET}</rss>`);
    await symlink(path.join(root, "outside.xml"), path.join(configDir, "sample", "link.xml"));
    options = { ...BUILT_IN_FETCH, fileRoots: [configDir] };
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("reads a file under the config directory", async () => {
    const fetched = await fetchResource({ url: fileUrl(configDir, "sample", "news.xml"), options });
    expect(fetched.status === "ok" && fetched.body.toString()).toBe("<rss/>");
  });

  it.each([
    ["a file elsewhere", (): string => fileUrl(root, "outside.xml")],
    ["/etc/passwd", (): string => "file:///etc/passwd"],
    ["a symbolic link out of the directory", (): string => fileUrl(configDir, "sample", "link.xml")],
    ["a .. path out of the directory", (): string => `${pathToFileURL(configDir).href}/../outside.xml`],
  ])("refuses %s without reading it", async (_label, url) => {
    const refused = fetchResource({ url: url(), options });
    await expect(refused).rejects.toThrow(
      /^fetch: file:.*: file is outside the config directory and defaults\.fetch\.allowed_file_dirs; not read$/,
    );
  });

  it("reads a directory listed besides the config directory", async () => {
    const fetched = await fetchResource({
      url: fileUrl(root, "outside.xml"),
      options: { ...options, fileRoots: [configDir, root] },
    });
    expect(fetched.status).toBe("ok");
  });

  it("never quotes a document without markup in a ticker warning or error", async () => {
    const source: Source = {
      id: "notes",
      kind: "html-ticker",
      url: fileUrl(configDir, "notes.txt"),
      schedule: { every: 60_000 },
      categories: [],
      enabled: true,
      timezone: "UTC",
      select: { item: "body", time: "body" },
      retention: { maxItemsPerSource: 10, maxAgeMs: 86_400_000 },
    };
    const ctx: CollectContext = {
      clock: () => Date.parse("2026-06-11T12:00:00Z"),
      fetchOptions: options,
      knownIds: async () => new Set<string>(),
    };
    const outcome = collectTicker(source, ctx).then((result) => JSON.stringify(result.warnings));
    await expect(outcome).rejects.toThrow(/is not an HTML page \(no markup\)/);
    await expect(outcome).rejects.not.toThrow(/hunter2/);
  });
});
