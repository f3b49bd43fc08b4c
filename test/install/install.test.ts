import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "./_exec.js";
import { stageWorkspace } from "./_stage.js";
import type { Tarball } from "./_tarballs.js";
import { exportTargets } from "../../scripts/publish-manifest.js";
import { entrySpecifiers, pack, publicPackages, unpackAll } from "./_tarballs.js";

// Packs every public package with npm and with pnpm, from a copy of the workspace, installs the
// npm tarballs with npm into a project outside the workspace, and uses them as a user would;
// compiles the examples in that copy and starts each with plain node, as in production.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP_FILES = fileURLToPath(new URL("./app/", import.meta.url));

let temp: string;
let app: string;
let examples: string[];
const tarballs: Record<"npm" | "pnpm", Tarball[]> = { npm: [], pnpm: [] };

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "scallion-install-"));
  app = join(temp, "app");
  // The two tools pack from two copies at once; the npm tarballs are installed as soon as they are there.
  const npm = packEvery("npm").then(async (packed) => {
    tarballs.npm = packed;
    await Promise.all([install(packed), buildExamples(join(temp, "npm-workspace"))]);
  });
  const pnpm = packEvery("pnpm").then((packed) => (tarballs.pnpm = packed));
  await Promise.all([npm, pnpm]);
}, 240_000);

/** Packs every public package with `tool`, from a fresh copy of the workspace of its own. */
async function packEvery(tool: "npm" | "pnpm"): Promise<Tarball[]> {
  const stage = join(temp, `${tool}-workspace`);
  const destination = join(temp, tool);
  await stageWorkspace(ROOT, stage);
  await mkdir(destination);
  for (const dir of await publicPackages(stage)) await pack(tool, dir, destination);
  return unpackAll(destination);
}

/** Compiles every example in `stage`, whose packages packing has just built, as `pnpm build` does. */
async function buildExamples(stage: string): Promise<void> {
  const dirs = await readdir(join(stage, "examples"));
  examples = dirs.filter((dir) => existsSync(join(stage, "examples", dir, "tsconfig.build.json"))).map((dir) => join(stage, "examples", dir));
  const tsc = join(stage, "node_modules/typescript/bin/tsc");
  await run(process.execPath, [tsc, "-b", ...examples.map((dir) => join(dir, "tsconfig.build.json"))], { cwd: stage });
}

/** A new project with the tarballs, zod, ws and Node's types installed by npm, and the files of app/. */
async function install(packed: Tarball[]): Promise<void> {
  await cp(APP_FILES, app, { recursive: true });
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const specifiers = packed.flatMap((tarball) => entrySpecifiers(tarball.manifest));
  // Every entry point, whichever entries the packages have: imported by node, type-checked by tsc.
  await writeFile(join(app, "entries.js"), specifiers.map((s) => `await import(${JSON.stringify(s)});\n`).join(""));
  await writeFile(join(app, "entries.ts"), specifiers.map((s, i) => `export * as e${i} from ${JSON.stringify(s)};\n`).join(""));
  const paths = packed.map((tarball) => tarball.path);
  const flags = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
  await run("npm", ["install", ...flags, ...paths, "zod@^4", "ws@^8", "@types/node@^20"], { cwd: app });
}

afterAll(async () => {
  if (temp !== undefined) await rm(temp, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it("are every public package, packed alike by npm and by pnpm", async () => {
    expect(tarballs.npm.length).toBe((await publicPackages(ROOT)).length);
    const view = (list: Tarball[]) => list.map(({ manifest, files }) => ({ manifest, files }));
    expect(view(tarballs.pnpm)).toEqual(view(tarballs.npm));
  });

  it("hold every file their exports name, a LICENSE, and no source map", () => {
    for (const { manifest, files } of tarballs.npm) {
      const named = exportTargets(manifest.exports).map((path) => path.replace(/^\.\//, ""));
      expect(files, manifest.name).toEqual(expect.arrayContaining([...named, "LICENSE", "README.md"]));
      expect(files.filter((file) => file.endsWith(".map")), manifest.name).toEqual([]);
    }
  });

  it("name no workspace: range and no src/*.ts file", async () => {
    for (const tarball of [...tarballs.npm, ...tarballs.pnpm]) {
      expect(JSON.stringify(tarball.manifest), tarball.path).not.toContain("workspace:");
      for (const file of tarball.files.filter((name) => /\.(js|ts|json)$/.test(name))) {
        expect(await tarball.read(file), `${tarball.path}: ${file}`).not.toMatch(/\bsrc\/[\w./-]*\.ts\b/);
      }
    }
  });
});

describe("installed with npm", () => {
  it("load every entry point under plain node", async () => {
    await run(process.execPath, ["entries.js"], { cwd: app });
  });

  it("run a server under plain node and a client against it, which a refused handshake stops", async () => {
    const server = spawn(process.execPath, ["server.js"], { cwd: app, stdio: ["ignore", "pipe", "inherit"] });
    try {
      const url = await firstLine(server);
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      const { stdout } = await run(process.execPath, ["client.js", url], { cwd: app });
      const [answer, refused] = stdout.trim().split("\n").map((line) => JSON.parse(line) as unknown);
      expect(answer).toEqual({ type: "message", text: "hi", from: "ann" });
      expect(refused).toEqual({ code: "SCALLION_HANDSHAKE_REFUSED", status: 401 });
    } finally {
      server.kill("SIGTERM");
    }
  });

  it("type-check under moduleResolution NodeNext and Bundler", async () => {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const check = (resolution: string) => run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: app });
    await Promise.all([check("nodenext"), check("bundler")]);
    // Two tsc runs side by side: about 10 s on an idle 2-core machine, more on a busy one.
  }, 60_000);
});

describe("the examples, compiled", () => {
  it("start with plain node on their dist/main.js and exit 0 on SIGTERM", async () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const dir of examples) {
      const env = { ...process.env, PORT: "0", HOST: "127.0.0.1" };
      const child = spawn(process.execPath, ["dist/main.js"], { cwd: dir, env, stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      expect(await firstLine(child), dir).toMatch(/^\w+ example: /);
      child.kill("SIGTERM");
      expect(await exited, dir).toBe(0);
    }
  });
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0] as string);
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
  });
}
