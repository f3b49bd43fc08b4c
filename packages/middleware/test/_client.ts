import type { TestClient } from "@scallion/testing";
import { connectUrl, HandshakeError } from "@scallion/testing";

/** Opens a connection with `headers`; rejects with a `HandshakeError` when the server refuses. */
export function openClient(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  return connectUrl(url, { headers });
}

/** The HTTP status of a refused handshake, or "open" when it was accepted (then closed). */
export async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number | "open"> {
  try {
    await (await openClient(url, headers)).close();
    return "open";
  } catch (error) {
    if (error instanceof HandshakeError) return error.status;
    throw error;
  }
}

/** The first message the server sends on `url`, then closes. */
export async function firstMessage(url: string, headers: Record<string, string> = {}): Promise<string> {
  const client = await openClient(url, headers);
  const message = await client.receive();
  await client.close();
  return message as string;
}
