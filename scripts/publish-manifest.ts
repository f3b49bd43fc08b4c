/** The parts of a package.json that packing rewrites. */
export interface Manifest {
  name: string;
  version: string;
  exports?: unknown;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** The export condition under which the workspace resolves a package to its TypeScript sources. */
export const SOURCE_CONDITION = "@scallion/source";

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/**
 * The package.json that goes into the tarball: the source condition taken out of `exports`,
 * every `workspace:` range turned into the version it names (as pnpm would), and what only the
 * workspace uses (scripts, devDependencies) left out. `versions` maps workspace package names
 * to their versions.
 */
export function publishManifest(manifest: Manifest, versions: ReadonlyMap<string, string>): Manifest {
  const { scripts: _scripts, devDependencies: _dev, ...published } = manifest;
  published.exports = withoutSource(manifest.exports);
  for (const field of DEPENDENCY_FIELDS) {
    const ranges = manifest[field];
    if (ranges === undefined) continue;
    published[field] = Object.fromEntries(
      Object.entries(ranges).map(([name, range]) => [name, resolveWorkspaceRange(name, range, versions)]),
    );
  }
  return published;
}

/** `workspace:*` → `1.2.3`, `workspace:^` → `^1.2.3`, `workspace:~` → `~1.2.3`, `workspace:^1.0` → `^1.0`. */
export function resolveWorkspaceRange(name: string, range: string, versions: ReadonlyMap<string, string>): string {
  if (!range.startsWith("workspace:")) return range;
  const rest = range.slice("workspace:".length);
  if (rest !== "*" && rest !== "^" && rest !== "~") return rest;
  const version = versions.get(name);
  if (version === undefined) throw new Error(`${name}: ${range}, but no workspace package has that name`);
  return rest === "*" ? version : `${rest}${version}`;
}

/** The files that `exports` names, with the source condition left out: what the build must make. */
export function exportTargets(exports: unknown): string[] {
  if (typeof exports === "string") return [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports).flatMap(([key, value]) => (key === SOURCE_CONDITION ? [] : exportTargets(value)));
}

function withoutSource(exports: unknown): unknown {
  if (exports === null || typeof exports !== "object" || Array.isArray(exports)) return exports;
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, value]) => [key, withoutSource(value)]),
  );
}
