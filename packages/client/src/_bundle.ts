import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** `esm` for `<script type="module">` and bundlers; `iife` for a plain `<script>` (a global `Scallion`). */
export type ScriptFormat = "esm" | "iife";

/** File names of the browser build, in `dist-browser/` of the published package. */
export const SCRIPT_FILES: Readonly<Record<ScriptFormat, string>> = {
  esm: "scallion-client.js",
  iife: "scallion-client.global.js",
};

/** Bundles the browser entry with esbuild: minified, no dependencies, nothing Node-only. */
export async function bundle(format: ScriptFormat, entry: string): Promise<string> {
  // esbuild is a dev dependency: a published package serves the prebuilt files instead.
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format,
    globalName: format === "iife" ? "Scallion" : undefined,
    platform: "browser",
    // Workspace packages it imports are bundled from their sources, as the workspace runs them.
    conditions: ["@scallion/source"],
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/**
 * The browser build: bundled from source when running from source (so it is never stale), read
 * from `dist-browser/` when running from the published, compiled package.
 */
export async function loadScript(format: ScriptFormat): Promise<string> {
  if (import.meta.url.endsWith(".ts")) return bundle(format, fileURLToPath(new URL("./index.ts", import.meta.url)));
  return readFile(new URL(`../dist-browser/${SCRIPT_FILES[format]}`, import.meta.url), "utf8");
}
