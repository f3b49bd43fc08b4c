import * as z from "zod";

/**
 * The chat's wire protocol, shared by the server and by clients (the page, tests, anything
 * written against it): one schema, both sides, types inferred.
 */

/** What a client sends: a line of text. */
export const ClientMessage = z.object({
  type: z.literal("message"),
  text: z.string().min(1).max(2000),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

/** What every member of a room receives, the sender included. */
export const ChatLine = z.object({
  type: z.literal("message"),
  room: z.string(),
  from: z.string(),
  text: z.string(),
  /** Milliseconds since the epoch, when the server received it. */
  ts: z.number(),
});

/** Sent to every member (the one joining included) when someone joins or leaves. */
export const Presence = z.object({
  type: z.enum(["join", "leave"]),
  room: z.string(),
  from: z.string(),
  /** Members of the room across every instance, after the change. */
  members: z.number().int().nonnegative(),
});

/**
 * Sent to the sender alone when its line reached only the members on this instance: the message
 * bus (Redis) could not carry it to the others, and it is not in the room's history.
 */
export const Notice = z.object({
  type: z.literal("notice"),
  text: z.string(),
});

export const ServerMessage = z.discriminatedUnion("type", [
  ChatLine,
  Presence.extend({ type: z.literal("join") }),
  Presence.extend({ type: z.literal("leave") }),
  Notice,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
