import { messageEnvelope, positionEnvelope } from "./envelope.js";
import { encode } from "./frame.js";
import type { Position, Recovery } from "./history.js";
import type { PubSubMessage } from "./pubsub.js";
import type { Subscriber } from "./topics.js";

/** What a subscribe achieved: `"recovered"`/`"not recovered"` answer one that asked to resume. */
export type JoinOutcome = "subscribed" | "recovered" | "not recovered";

/**
 * Sends a subscriber that joined a topic with history where the topic stands, what it missed
 * after `since` when history covers it, then the live messages held meanwhile that come after;
 * the seam has no gap and no duplicate, since offsets say which held ones the replay had. When
 * the engine could not answer, the held messages go out as they are.
 */
export function catchUp(
  subscriber: Subscriber,
  name: string,
  held: readonly PubSubMessage[],
  since: Position | undefined,
  recovery: Recovery | undefined,
): JoinOutcome {
  const messages = recovery?.messages;
  if (recovery !== undefined) {
    const { epoch, offset } = recovery.position;
    subscriber.deliver(encode(positionEnvelope(name, recovery.position, since === undefined ? undefined : messages !== undefined)));
    for (const m of messages ?? []) subscriber.deliver(encode(messageEnvelope(name, m.data, { epoch, offset: m.offset })));
    for (const m of held) {
      const p = m.position;
      if (p === undefined || p.epoch !== epoch || p.offset > offset) subscriber.deliver(encode(messageEnvelope(name, m.data, p)));
    }
  } else {
    for (const m of held) subscriber.deliver(encode(messageEnvelope(name, m.data, m.position)));
  }
  if (since === undefined) return "subscribed";
  return messages === undefined ? "not recovered" : "recovered";
}
