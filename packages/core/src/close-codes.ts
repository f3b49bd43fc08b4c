/** The longest close reason RFC 6455 allows: a control frame carries 125 bytes, two of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Whether `code` may be sent in a close frame (RFC 6455 §7.4): 1000–1003, 1007–1014 and the
 * ranges 3000–4999 for libraries and applications. 1004–1006 and 1015 are reserved.
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

/** Throws a `RangeError` naming the problem unless `code` and `reason` fit in a close frame. */
export function assertCloseFrame(code: number, reason: string): void {
  if (!isSendableCloseCode(code)) {
    throw new RangeError(
      `close code ${String(code)} is not allowed: use 1000–1003, 1007–1014 or 3000–4999`,
    );
  }
  if (typeof reason !== "string") {
    throw new TypeError(`close reason must be a string, got ${typeof reason}`);
  }
  const bytes = Buffer.byteLength(reason);
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(
      `close reason is ${bytes} UTF-8 bytes; the limit is ${MAX_CLOSE_REASON_BYTES}`,
    );
  }
}

/** Cuts `reason` to at most 123 UTF-8 bytes without splitting a character. */
export function truncateCloseReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = "";
  let bytes = 0;
  for (const char of reason) {
    const size = Buffer.byteLength(char);
    if (bytes + size > MAX_CLOSE_REASON_BYTES - 3) break;
    out += char;
    bytes += size;
  }
  return `${out}...`;
}
