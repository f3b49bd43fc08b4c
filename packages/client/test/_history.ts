import type { Handler, Scope } from "@scallion/core";
import { close, MemoryPubSub, publish, subscribe } from "@scallion/core";
import { compose, resume } from "@scallion/middleware";
import type { Client } from "../src/client.js";
import type { ResumeInfo } from "../src/state.js";

/**
 * Joins `?room=` (default `room:a`) and publishes every message to it, except "drop", which
 * closes the connection with 4000 (the client reconnects): resumed by `resume()`.
 */
export const room: Handler = compose(resume())(async function* room(scope: Scope, receiver: AsyncIterable<string | Uint8Array>) {
  const topic = scope.query.room ?? "room:a";
  yield subscribe(topic);
  for await (const message of receiver) {
    if (message === "drop") yield close(4000, "drop");
    else yield publish(topic, message);
  }
});

/** An in-memory engine keeping the last `size` messages of every `room:*` topic. */
export const historyEngine = (size = 2_000): MemoryPubSub => new MemoryPubSub({ history: { "room:*": { size } } });

/** What a client received and the resume events it reported, in order. */
export function record<In>(client: Client<In, unknown>): { messages: In[]; resumes: ResumeInfo[] } {
  const seen = { messages: [] as In[], resumes: [] as ResumeInfo[] };
  client.on("message", (message) => seen.messages.push(message));
  client.on("resume", (info) => seen.resumes.push(info));
  return seen;
}

/** `["<prefix>1", …, "<prefix>n"]`. */
export const numbered = (prefix: string, n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);
