import type { PubSub, Scope } from "@scallion/core";
import { publish, subscribe, unsubscribe } from "@scallion/core";
import type { Secret } from "@scallion/middleware";
import { compose, cookie, json, origin, router, validate } from "@scallion/middleware";
import type { ClientMessage, ServerMessage } from "./protocol.js";
import { ClientMessage as ClientMessageSchema } from "./protocol.js";

/** The session cookie of examples/auth: when it is present and signed, it names the user. */
export const SESSION_COOKIE = "session";

export interface ChatOptions {
  /** The engine the server publishes through: `count()` gives each room's members across instances. */
  pubsub: PubSub;
  /** The secret(s) examples/auth signs its session cookie with; without it, names come from `?name=`. */
  sessionSecret?: Secret;
}

const NAME = /^.{1,32}$/u;

/** Who a connection speaks as: the signed-in user, else `?name=`, else a guest. */
function speakerOf(scope: Scope, session: ((scope: Scope) => string | undefined) | undefined): string {
  const signedIn = session?.(scope);
  if (signedIn !== undefined) return signedIn;
  const asked = scope.query.name?.trim();
  if (asked !== undefined && NAME.test(asked)) return asked;
  return `guest-${scope.id.slice(0, 8)}`;
}

/**
 * The chat: rooms at `/chat/:room`. Each connection joins its room's topic, announces itself
 * with the room's member count, publishes every line it sends to the whole room (itself
 * included), and announces its leaving however the connection ends.
 */
export function createChat({ pubsub, sessionSecret }: ChatOptions) {
  const session = sessionSecret === undefined ? undefined : cookie(SESSION_COOKIE, { secret: sessionSecret });
  const line = (message: ServerMessage): string => JSON.stringify(message);

  async function* room(scope: Scope & { readonly params: { readonly room: string } }, receiver: AsyncIterable<ClientMessage>) {
    const { room } = scope.params;
    const from = speakerOf(scope, session);
    const topic = `chat:${room}`;
    yield subscribe(topic);
    yield publish(topic, line({ type: "join", room, from, members: await pubsub.count(topic) }));
    try {
      for await (const message of receiver) {
        yield publish(topic, line({ type: "message", room, from, text: message.text, ts: Date.now() }));
      }
    } finally {
      // Runs however the connection ends; publishing still works once the client has gone.
      yield unsubscribe(topic);
      yield publish(topic, line({ type: "leave", room, from, members: await pubsub.count(topic) }));
    }
  }

  return router({
    "/chat/:room": compose(origin(), json(), validate(ClientMessageSchema))(room),
  });
}
