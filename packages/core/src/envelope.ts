import type { Message } from "./events.js";
import type { Position } from "./history.js";

/**
 * What a subscriber's socket receives on a topic that keeps history: JSON text frames a client
 * can tell from the application's own by their `"scallion": 1` (see docs/scaling.md).
 *
 *   {"scallion":1,"kind":"message","topic":"room:1","epoch":"Xk2…","offset":42,"text":"hi"}
 *   {"scallion":1,"kind":"message",…,"bytes":"AAEC"}             a binary payload, base64
 *   {"scallion":1,"kind":"position","topic":"room:1","epoch":"Xk2…","offset":42}
 *   {"scallion":1,"kind":"position",…,"recovered":true}          a resume: what was missed follows
 *   {"scallion":1,"kind":"position",…,"recovered":false}         a resume that history could not cover
 *
 * A message the engine could not record has no `epoch` and `offset`.
 */
export function messageEnvelope(topic: string, data: Message, position: Position | undefined): string {
  const payload =
    typeof data === "string" ? { text: data } : { bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") };
  return JSON.stringify({ scallion: 1, kind: "message", topic, ...position, ...payload });
}

/** Where a topic stands, sent on every subscribe to it; `recovered` answers a resume. */
export function positionEnvelope(topic: string, position: Position, recovered?: boolean): string {
  return JSON.stringify({ scallion: 1, kind: "position", topic, epoch: position.epoch, offset: position.offset, recovered });
}
