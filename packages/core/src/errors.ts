import { assertCloseFrame } from "./close-codes.js";

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
