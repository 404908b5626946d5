import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface SnapshotFile {
  /** File name inside the snapshot directory, e.g. `world.rss`. */
  readonly name: string;
  readonly body: Buffer;
}

/**
 * Writes each file beside its final name and renames it into place: rename(2) is atomic on one
 * filesystem, so a static host or CDN reading FEEDS_DIR never sees a half-written feed.
 */
export async function writeSnapshot(dir: string, files: readonly SnapshotFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const target = path.join(dir, file.name);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, file.body);
    await rename(temporary, target);
  }
}
