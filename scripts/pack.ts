// `prepack` and `postpack` of every public package, whichever tool packs it (npm, pnpm, changesets):
//   tsx ../../scripts/pack.ts prepack   builds the package afresh, checks that every file its
//                                       exports name is there, and writes the package.json to publish;
//   tsx ../../scripts/pack.ts postpack  puts the workspace's package.json back.
// npm packs package.json as it finds it on disk (no `workspace:` rewriting, no publishConfig
// overrides) and pnpm reads it again after prepack, so both pack what this writes.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Manifest } from "./publish-manifest.js";
import { exportTargets, publishManifest } from "./publish-manifest.js";

const MANIFEST = "package.json";
/** The workspace's package.json while the published one stands in its place. */
const BACKUP = ".package.workspace.json";

const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8")) as Manifest;

function workspaceVersions(): Map<string, string> {
  const packages = new URL("../packages/", import.meta.url);
  const versions = new Map<string, string>();
  for (const dir of readdirSync(packages)) {
    const path = new URL(`${dir}/package.json`, packages);
    if (!existsSync(path)) continue;
    const { name, version } = readManifest(path.pathname);
    versions.set(name, version);
  }
  return versions;
}

function build(manifest: Manifest): void {
  // What ships is built now, from these sources: nothing left over from an earlier build.
  for (const entry of manifest.files ?? []) {
    if (!entry.startsWith("!") && existsSync(entry) && statSync(entry).isDirectory()) rmSync(entry, { recursive: true });
  }
  // npm_execpath is the npm or pnpm that runs this script; plain `npm` when run by hand.
  const tool = process.env.npm_execpath;
  const [command, args] = tool ? [process.execPath, [tool, "run", "build"]] : ["npm", ["run", "build"]];
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${manifest.name}: the build failed; nothing was packed`);
  const missing = exportTargets(manifest.exports).filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`${manifest.name}: the build made no ${missing.join(", ")}`);
}

function prepack(): void {
  postpack(); // an interrupted pack leaves the published package.json in place: start from the workspace's
  const manifest = readManifest(MANIFEST);
  build(manifest);
  const published = publishManifest(manifest, workspaceVersions());
  renameSync(MANIFEST, BACKUP);
  writeFileSync(MANIFEST, `${JSON.stringify(published, null, 2)}\n`);
}

function postpack(): void {
  if (existsSync(BACKUP)) renameSync(BACKUP, MANIFEST);
}

const step = process.argv[2];
if (step === "prepack") prepack();
else if (step === "postpack") postpack();
else throw new Error(`pack.ts: say prepack or postpack, not ${step}`);
