import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const WORKSPACE = fileURLToPath(new URL("..", import.meta.url));

/** The parts of V8's `.cpuprofile` format that a summary needs. */
interface CpuProfile {
  nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
}

/** Self time of one function, over the whole profile. */
export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly share: number;
}

/** Functions by self time, largest first, each with its share of the busy (non-idle) samples (0…1). */
export function selfTimes(file: string): SelfTime[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const totals = new Map<string, { name: string; where: string; hits: number }>();
  let all = 0;
  for (const { hitCount = 0, callFrame } of profile.nodes) {
    if (callFrame.functionName === "(idle)") continue;
    all += hitCount;
    const where = `${shorten(callFrame.url)}:${callFrame.lineNumber + 1}`;
    const key = `${callFrame.functionName}@${where}`;
    const entry = totals.get(key) ?? { name: callFrame.functionName || "(anonymous)", where, hits: 0 };
    entry.hits += hitCount;
    totals.set(key, entry);
  }
  return [...totals.values()]
    .map(({ name, where, hits }) => ({ name, where, share: hits / all }))
    .sort((a, b) => b.share - a.share);
}

/** Self time summed by where the code lives: Scallion's packages, `ws`, Node's internals … */
export function byArea(times: readonly SelfTime[]): Map<string, number> {
  const areas = new Map<string, number>();
  for (const { name, where, share } of times) {
    const area = areaOf(name, where);
    areas.set(area, (areas.get(area) ?? 0) + share);
  }
  return new Map([...areas].sort((a, b) => b[1] - a[1]));
}

function areaOf(name: string, where: string): string {
  if (where.startsWith("packages/")) return where.split("/").slice(0, 2).join("/");
  if (where.includes("node_modules/")) return where.split("node_modules/").at(-1)?.split("/")[0] ?? "node_modules";
  if (where.startsWith("node:")) return "node internals";
  if (where.startsWith("bench/")) return "bench server script";
  if (name === "(garbage collector)") return "garbage collector";
  if (name === "(program)") return name;
  return "native / other";
}

/** Paths relative to the workspace, node_modules paths from the package on. */
function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const pnpm = path.lastIndexOf("/node_modules/");
  if (pnpm !== -1) return `node_modules/${path.slice(pnpm + "/node_modules/".length)}`;
  return path.startsWith(WORKSPACE) ? path.slice(WORKSPACE.length) : path;
}
