import type { Outcome, PubSub, Scope } from "@scallion/core";
import { close, publish, send, subscribe, unsubscribe } from "@scallion/core";
import type { Secret } from "@scallion/middleware";
import { compose, json, origin, rateLimit, resume, router, validate } from "@scallion/middleware";
import { ADDRESS_RATE_LIMIT, RATE_LIMIT } from "./limits.js";
import { checkName } from "./names.js";
import type { ClientMessage, ServerMessage } from "./protocol.js";
import { ClientMessage as ClientMessageSchema } from "./protocol.js";
import { signedInName } from "./session.js";

export interface ChatOptions {
  /**
   * The engine the server publishes through: `count()` gives each room's members across
   * instances. Give it `HISTORY` of history.ts (as main.ts does) for pages to be shown what they missed.
   */
  pubsub: PubSub;
  /** The secret(s) examples/auth signs its session cookie with; without it, names come from `?name=`. */
  sessionSecret?: Secret;
}

export const MAX_NAME = 32;
export const MAX_ROOM = 64;
/** What a guest's chosen name carries where people can sign in, so that it never reads as a signed-in user's. */
export const GUEST_MARK = " (guest)";

type Speaker = { from: string } | { problem: string };

/**
 * Who a connection speaks as: the signed-in user; else `?name=`, marked as a guest's where
 * people can sign in; else a guest id. A name that breaks the rules is a problem to report.
 */
function speakerOf(scope: Scope, signedIn: ((scope: Scope) => string | undefined) | undefined): Speaker {
  const user = signedIn?.(scope);
  if (user !== undefined) return { from: user };
  const asked = scope.query.name;
  if (asked === undefined || asked.trim() === "") return { from: `guest-${scope.id.slice(0, 8)}` };
  const checked = checkName(asked, "name", MAX_NAME);
  if ("problem" in checked) return checked;
  return { from: signedIn === undefined ? checked.name : checked.name + GUEST_MARK };
}

/** What the sender of a line that reached only this instance is told (see `Notice`). */
export const LOCAL_ONLY = "Only the members on this server got your last message: the others could not be reached.";

/**
 * The chat: rooms at `/chat/:room`. Each connection joins its room's topic, announces itself
 * with the room's member count, publishes every line it sends to the whole room (itself
 * included; told with a notice when the line reached only this instance's members), and
 * announces its leaving however the connection ends. A bad name or room closes
 * with 1008 and a reason saying what is wrong; so does sending too much too fast.
 */
export function createChat({ pubsub, sessionSecret }: ChatOptions) {
  const signedIn = sessionSecret === undefined ? undefined : signedInName(sessionSecret);
  const line = (message: ServerMessage): string => JSON.stringify(message);

  async function* room(scope: Scope & { readonly params: { readonly room: string } }, receiver: AsyncIterable<ClientMessage>) {
    const checkedRoom = checkName(scope.params.room, "room", MAX_ROOM);
    if ("problem" in checkedRoom) {
      yield close(1008, checkedRoom.problem);
      return;
    }
    const speaker = speakerOf(scope, signedIn);
    if ("problem" in speaker) {
      yield close(1008, speaker.problem);
      return;
    }
    const { name: room } = checkedRoom;
    const { from } = speaker;
    const topic = `chat:${room}`;
    yield subscribe(topic);
    yield publish(topic, line({ type: "join", room, from, members: await pubsub.count(topic) }));
    try {
      for await (const message of receiver) {
        const outcome: Outcome = yield publish(topic, line({ type: "message", room, from, text: message.text, ts: Date.now() }));
        if (outcome === "local") yield send(line({ type: "notice", text: LOCAL_ONLY }));
      }
    } finally {
      // Runs however the connection ends; publishing still works once the client has gone.
      yield unsubscribe(topic);
      yield publish(topic, line({ type: "leave", room, from, members: await pubsub.count(topic) }));
    }
  }

  // The rate limits count raw frames, so they come before json().
  const limits = compose(rateLimit(RATE_LIMIT), rateLimit(ADDRESS_RATE_LIMIT));
  return router({
    // resume(): a page that reconnects is sent what it missed in its room (with history on).
    "/chat/:room": compose(origin(), resume(), limits, json(), validate(ClientMessageSchema))(room),
  });
}
