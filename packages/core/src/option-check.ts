/**
 * Thrown when `serve()`, a middleware factory or `createClient()` is given an option it cannot use. `option` names it; `code`
 * is `"SCALLION_INVALID_OPTION"`, so it can be recognised without `instanceof`.
 */
export class OptionError extends TypeError {
  override readonly name = "OptionError";
  readonly code = "SCALLION_INVALID_OPTION";
  readonly option: string;

  constructor(where: string, option: string, message: string) {
    super(`${where}: option "${option}" ${message}`);
    this.option = option;
  }
}

/** A check returns what the value should have been, or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

/** The checks options are made of; see also {@link oneOf}. */
export const optionChecks = {
  positiveNumber: (v: unknown) => (Number.isFinite(v) && (v as number) > 0 ? undefined : "a positive number"),
  wholeNumber: (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : "a whole number"),
  function: (v: unknown) => (typeof v === "function" ? undefined : "a function"),
  object: (v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "an object"),
  positiveInteger: (v: unknown) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : "a positive integer"),
  port: (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? undefined : "an integer from 0 to 65535"),
  string: (v: unknown) => (typeof v === "string" && v !== "" ? undefined : "a non-empty string"),
  boolean: (v: unknown) => (typeof v === "boolean" ? undefined : "a boolean"),
  duration: (v: unknown) => (Number.isFinite(v) && (v as number) > 0 ? undefined : "a positive number of milliseconds"),
  durationOrNull: (v: unknown) =>
    v === null || (Number.isFinite(v) && (v as number) > 0) ? undefined : "a positive number of milliseconds, or null to disable",
  trustProxy: (v: unknown) =>
    typeof v === "boolean" || (Number.isSafeInteger(v) && (v as number) >= 0)
      ? undefined
      : "a boolean or a number of proxy hops",
  pubsub: (v: unknown) =>
    typeof v === "object" &&
    v !== null &&
    ["subscribe", "unsubscribe", "publish", "report", "count"].every(
      (m) => typeof (v as Record<string, unknown>)[m] === "function",
    )
      ? undefined
      : "a PubSub (subscribe, unsubscribe, publish, report and count methods)",
  slowSubscriber: (v: unknown) => (v === "close" || v === "skip" ? undefined : '"close" or "skip"'),
  logger: (v: unknown) =>
    v === false ||
    (typeof v === "object" &&
      v !== null &&
      ["info", "warn", "error"].every((m) => typeof (v as Record<string, unknown>)[m] === "function"))
      ? undefined
      : "an object with info, warn and error methods, or false",
} satisfies Record<string, OptionCheck>;

/** A check that the value is one of `values`: `oneOf("close", "report")`. */
export function oneOf(...values: readonly unknown[]): OptionCheck {
  const expected = values.map((value) => JSON.stringify(value)).join(" or ");
  return (v) => (values.includes(v) ? undefined : expected);
}

/**
 * Validates an options object against `checks` at start-up: an unknown name or a value of the
 * wrong type or range throws an {@link OptionError} naming the option (`prefix` names a nested
 * object's options: `"reconnect."`). An option given as `undefined` is left to its default.
 */
export function checkOptions(
  where: string,
  options: unknown,
  checks: Readonly<Record<string, OptionCheck>>,
  prefix = "",
): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    if (prefix === "") throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
    throw new OptionError(where, prefix.slice(0, -1), `must be an object, got ${show(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    const check = checks[name];
    if (check === undefined) {
      throw new OptionError(where, prefix + name, `is not known (known: ${Object.keys(checks).join(", ")})`);
    }
    if (value === undefined) continue;
    const expected = check(value);
    if (expected !== undefined) throw new OptionError(where, prefix + name, `must be ${expected}, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

