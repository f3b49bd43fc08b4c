import type { RateLimitOptions } from "@scallion/middleware";

/**
 * What one chat connection may send. A person typing sends a line every few seconds, a few
 * hundred bytes; pasting a long paragraph, one 2,000-character line. These numbers leave that
 * untouched and bound what one client can make the server fan out to a room.
 */

/**
 * The largest frame the chat accepts (larger ones close with 1009): the largest message the
 * protocol allows fits, even with every one of its 2,000 characters written as a `\uXXXX` escape
 * (12,000 bytes and the envelope); the server's default, 1 MiB, is for nothing a chat sends.
 */
export const MAX_PAYLOAD = 16 * 1024;

/**
 * Per connection: 5 lines a second with bursts of 10, and 8 KiB a second with bursts of 32 KiB
 * (two of the largest lines). Past either, the connection closes with 1008 ("rate limit
 * exceeded" or "byte rate limit exceeded"); the page says so and does not reconnect.
 */
export const RATE_LIMIT = {
  messages: 5,
  burst: 10,
  bytes: 8 * 1024,
  burstBytes: 32 * 1024,
  per: 1000,
} as const satisfies RateLimitOptions;

/**
 * Per address, shared by its connections and kept across reconnections: 20 lines a second with
 * bursts of 40, 16 KiB a second with bursts of 64 KiB. A client that is closed for flooding and
 * reconnects gets no fresh burst, and many connections from one address share one budget; a few
 * dozen people chatting behind one NAT stay well inside it.
 */
export const ADDRESS_RATE_LIMIT = {
  messages: 20,
  burst: 40,
  bytes: 16 * 1024,
  burstBytes: 64 * 1024,
  per: 1000,
  by: "address",
} as const satisfies RateLimitOptions;
