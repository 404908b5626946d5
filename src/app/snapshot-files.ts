import { mkdir, readdir, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SnapshotFile } from "../publish/feed-snapshot.js";

const TEMPORARY = /^(.+)\.(\d+)\.tmp$/;

/**
 * Writes each file beside its final name and renames it into place: rename(2) is atomic on one
 * filesystem, so a static host or CDN reading FEEDS_DIR never sees a half-written feed. Temporary
 * files a killed writer left behind are removed first. Then the files `isOurs` claims that this
 * snapshot no longer has (a category removed from the config) are removed, so the static host stops
 * serving a feed the server answers 404 for; other files in the directory are left alone.
 */
export async function writeSnapshot(
  dir: string,
  files: readonly SnapshotFile[],
  isOurs: (name: string) => boolean = () => false,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = new Set(files.map((file) => file.name));
  await removeAbandoned(dir, names);
  for (const file of files) {
    const target = path.join(dir, file.name);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, file.body);
    await rename(temporary, target);
  }
  for (const entry of await readdir(dir)) {
    if (names.has(entry) || !isOurs(entry)) continue;
    await unlink(path.join(dir, entry)).catch(() => undefined);
  }
}

/**
 * `<name>.<pid>.tmp` files of our snapshot names whose writer is gone (kill -9 between write and
 * rename). A live writer's file is left alone: `npm run collect` may be writing beside `npm start`.
 */
async function removeAbandoned(dir: string, names: ReadonlySet<string>): Promise<void> {
  for (const entry of await readdir(dir)) {
    const match = TEMPORARY.exec(entry);
    if (!match || !names.has(match[1] ?? "") || isRunning(Number(match[2]))) continue;
    await unlink(path.join(dir, entry)).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
