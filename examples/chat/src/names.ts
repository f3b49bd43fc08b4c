/**
 * What a name or a room may be: 1 to `max` characters after trimming and NFC normalisation, with
 * no control, format (bidirectional overrides and isolates, LRM/RLM, zero-width), separator,
 * private-use, unassigned or lone-surrogate characters, and none of the letters that render as
 * nothing (Hangul fillers).
 */
const FORBIDDEN = /[\p{C}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;

/** The name, normalised, or what is wrong with it, for a close reason (`what` names it). */
export function checkName(raw: string, what: string, max: number): { name: string } | { problem: string } {
  // Checked before trimming, which would quietly drop a leading U+FEFF or a trailing newline.
  const bad = FORBIDDEN.exec(raw)?.[0];
  if (bad !== undefined) {
    const code = (bad.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
    return { problem: `${what}: U+${code} is not allowed (no control, bidirectional or invisible characters)` };
  }
  const name = raw.trim().normalize("NFC");
  const length = [...name].length;
  if (length === 0) return { problem: `${what}: empty` };
  if (length > max) return { problem: `${what}: longer than ${max} characters` };
  return { name };
}
