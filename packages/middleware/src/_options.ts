import { OptionError } from "@scallion/core";

/**
 * Checks that `options` is an object naming only `known` options: a misspelt option of a
 * security middleware must not silently fall back to a default.
 */
export function checkOptionNames(where: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new OptionError(where, name, `is not known (known: ${known.join(", ")})`);
  }
}
