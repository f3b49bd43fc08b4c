/** Options of one test client, the same over both transports. */
export interface ClientOptions {
  /** Request headers of the upgrade. */
  headers?: Record<string, string>;
  /** Subprotocols to offer, in order of preference. */
  subprotocols?: string[];
  /** The `Origin` header, as a browser would send it. */
  origin?: string;
  /** Milliseconds `connect()` waits for the handshake and `receive()` for a message. Default 2000. */
  timeout?: number;
  /** Whether the client answers the server's pings, as browsers do. Default true. */
  autoPong?: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws a `SyntaxError`, as `ws` and browsers do, for a subprotocol that is not a token or repeats. */
export function checkSubprotocols(subprotocols: readonly string[]): void {
  const seen = new Set<string>();
  for (const protocol of subprotocols) {
    if (!TOKEN.test(protocol) || seen.has(protocol)) {
      throw new SyntaxError(`connect(): invalid or repeated subprotocol ${JSON.stringify(protocol)}`);
    }
    seen.add(protocol);
  }
}

/** Throws unless `path` is an absolute request target. */
export function checkPath(path: string): void {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TypeError(`connect(): path must start with "/", got ${JSON.stringify(path)}`);
  }
}
