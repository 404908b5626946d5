import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeSnapshot } from "../../src/app/snapshot-files.js";
import { isSnapshotFileName } from "../../src/app/snapshot-writer.js";

describe("writeSnapshot", () => {
  let dir: string;
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("writes every file whole and removes temporaries a killed writer left (regression: *.pid.tmp piled up in FEEDS_DIR)", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "snapshot-"));
    // A writer killed between write and rename; a pid no process has (above Linux's pid_max).
    await writeFile(path.join(dir, "world.rss.99999999.tmp"), "half a feed");
    // A live writer's temporary (this test runner's parent) and a file that is not ours stay.
    await writeFile(path.join(dir, `world.atom.${process.ppid}.tmp`), "being written");
    await writeFile(path.join(dir, "notes.txt.99999999.tmp"), "someone else's");

    await writeSnapshot(dir, [
      { name: "world.rss", body: Buffer.from("<rss/>") },
      { name: "world.atom", body: Buffer.from("<feed/>") },
    ]);

    expect((await readdir(dir)).sort()).toEqual(
      ["notes.txt.99999999.tmp", "world.atom", `world.atom.${process.ppid}.tmp`, "world.rss"].sort(),
    );
    expect(await readFile(path.join(dir, "world.rss"), "utf8")).toBe("<rss/>");
  });

  it("removes the files of a category that no longer exists, and nothing else (bug: removed categories stayed on the static host)", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "snapshot-"));
    const feed = (name: string): { name: string; body: Buffer } => ({ name, body: Buffer.from(name) });
    await writeSnapshot(dir, ["world.rss", "sport.rss", "sport.json", "all.rss"].map(feed), isSnapshotFileName);
    await writeFile(path.join(dir, "index.html"), "<h1>our feeds</h1>");
    await writeFile(path.join(dir, "README.txt"), "hand-made");

    await writeSnapshot(dir, ["world.rss", "all.rss"].map(feed), isSnapshotFileName);

    expect((await readdir(dir)).sort()).toEqual(["README.txt", "all.rss", "index.html", "world.rss"]);
  });

  it("claims only category-slug feed names", () => {
    for (const name of ["world.rss", "morocco-economy.atom", "all.json"]) expect(isSnapshotFileName(name)).toBe(true);
    for (const name of ["index.html", "feeds.opml", "world.rss.123.tmp", "World.rss", ".rss", "a--b.rss"]) {
      expect(isSnapshotFileName(name)).toBe(false);
    }
  });
});
