import type { TestClient } from "./client.js";
import type { ClientOptions } from "./_client-options.js";
import { connectWs } from "./_ws-client.js";

/**
 * The same test client, over a real socket, to a server that is already running (yours, a
 * process under test, a proxy in front of it): `url` is a `ws://` or `ws+unix:` URL with its path.
 * Rejects with a `HandshakeError` when the handshake is refused.
 *
 * @example
 * const client = await connectUrl(`${server.url}/chat/general`, { headers: { cookie } });
 * expect(await client.receive()).toBe("welcome");
 */
export function connectUrl(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const { timeout = 2000, ...rest } = options;
  return connectWs(url, { timeout, ...rest }, () => Promise.resolve());
}
