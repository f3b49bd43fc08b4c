import { assertCloseFrame } from "./close-codes.js";

/**
 * Thrown when `serve()` or a factory is given an option it cannot use. `option` names it; `code`
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

export const optionChecks = {
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

/**
 * Validates an options object against `checks` at start-up: an unknown name or a value of the
 * wrong type or range throws an {@link OptionError} naming the option.
 */
export function checkOptions(where: string, options: unknown, checks: Readonly<Record<string, OptionCheck>>): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object`);
  }
  for (const [name, value] of Object.entries(options)) {
    const check = checks[name];
    if (check === undefined) {
      throw new OptionError(where, name, `is not known (known: ${Object.keys(checks).join(", ")})`);
    }
    if (value === undefined) continue;
    const expected = check(value);
    if (expected !== undefined) throw new OptionError(where, name, `must be ${expected}, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/**
 * Thrown anywhere in a handler, or by middleware reading its receiver, to close the connection
 * with `closeCode` and `reason` rather than 1011: how `json()` answers bad JSON with 1007 and
 * `validate()` a schema violation with 1008. Recognised by `code` as well as by `instanceof`.
 */
export class CloseError extends Error {
  override readonly name = "CloseError";
  readonly code = "SCALLION_CLOSE";
  readonly closeCode: number;
  readonly reason: string;

  constructor(closeCode: number, reason = "") {
    assertCloseFrame(closeCode, reason);
    super(reason === "" ? `closed with ${closeCode}` : reason);
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** Whether `error` is a {@link CloseError}, even from another copy of this package. */
export function isCloseError(error: unknown): error is CloseError {
  return (
    error instanceof CloseError ||
    (typeof error === "object" &&
      error !== null &&
      (error as { code?: unknown }).code === "SCALLION_CLOSE" &&
      typeof (error as { closeCode?: unknown }).closeCode === "number")
  );
}
