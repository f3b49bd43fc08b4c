// Writes the browser build to dist-browser/ (for the published package) and prints its sizes.
// Run with `tsx scripts/build.ts`; tests and the serving helper build from source on demand instead.
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bundle, SCRIPT_FILES } from "../src/_bundle.js";

const out = new URL("../dist-browser/", import.meta.url);
await mkdir(out, { recursive: true });
for (const format of ["esm", "iife"] as const) {
  const text = await bundle(format, fileURLToPath(new URL("../src/index.ts", import.meta.url)));
  await writeFile(new URL(SCRIPT_FILES[format], out), text);
  console.log(`${SCRIPT_FILES[format]}: ${text.length} bytes minified, ${gzipSync(text).length} gzipped`);
}
