import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { pnpm, run } from "./_exec.js";

/** A package.json as packed. */
export interface PackedManifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A tarball unpacked: its package.json and every file, as paths relative to the package. */
export interface Tarball {
  readonly path: string;
  readonly manifest: PackedManifest;
  readonly files: readonly string[];
  read(file: string): Promise<string>;
}

/** The directories under `root/packages` whose package is published (not private). */
export async function publicPackages(root: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const entry of await readdir(join(root, "packages"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, "packages", entry.name);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as PackedManifest;
    if (manifest.private !== true) dirs.push(dir);
  }
  return dirs;
}

/** Packs the package in `dir` with npm or pnpm (each runs its prepack) into `destination`. */
export async function pack(tool: "npm" | "pnpm", dir: string, destination: string): Promise<void> {
  const [command, args] = tool === "npm" ? ["npm", []] : pnpm();
  await run(command, [...args, "pack", "--pack-destination", destination], { cwd: dir });
}

/** Unpacks every tarball in `destination`. */
export async function unpackAll(destination: string): Promise<Tarball[]> {
  const names = (await readdir(destination)).filter((name) => name.endsWith(".tgz")).sort();
  return Promise.all(names.map((name) => unpack(join(destination, name))));
}

async function unpack(path: string): Promise<Tarball> {
  const into = `${path.slice(0, -".tgz".length)}-unpacked`;
  await mkdir(into);
  await run("tar", ["-xzf", path, "-C", into], { cwd: "/" });
  const root = join(into, "package");
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
  const read = (file: string): Promise<string> => readFile(join(root, file), "utf8");
  return { path, manifest: JSON.parse(await read("package.json")) as PackedManifest, files, read };
}

/** The import specifier of every entry point: `@scallion/core`, `@scallion/client/serve`, … */
export function entrySpecifiers(manifest: PackedManifest): string[] {
  return Object.keys(manifest.exports ?? {}).map((key) => manifest.name + key.slice(1));
}
