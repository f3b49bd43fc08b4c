// "@scallion/core/options": the option checker that core, the middleware and the client share,
// so every bad option throws an OptionError naming it. Nothing here needs Node: browser-safe.
export { checkOptions, oneOf, OptionError, optionChecks } from "./option-check.js";
export type { OptionCheck } from "./option-check.js";
