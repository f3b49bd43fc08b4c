import { cp, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pnpm, run } from "./_exec.js";

/**
 * Copies the workspace's files as they are now (tracked and untracked, not ignored: no dist/, no
 * node_modules/) to `dir` and installs it from the local store, as a fresh clone would be. Packing
 * there leaves the workspace, and every test running in it, alone.
 */
export async function stageWorkspace(root: string, dir: string): Promise<void> {
  const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: root });
  // A file deleted but not yet staged is still listed: copy only what is there.
  const files = stdout.split("\0").filter((file) => file !== "");
  await mkdir(dir, { recursive: true });
  await Promise.all(files.map((file) => cp(join(root, file), join(dir, file), { force: true }).catch(ignoreMissing)));
  const [command, args] = pnpm();
  await run(command, [...args, "install", "--offline", "--frozen-lockfile", "--reporter=silent"], { cwd: dir });
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
