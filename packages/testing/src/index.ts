export { connect } from "./connect.js";
export { connectUrl } from "./connect-url.js";
export type { ConnectOptions } from "./connect.js";
export { testServer } from "./test-server.js";
export type { TestServer, TestServerOptions } from "./test-server.js";
export type { ClientMessage, CloseResult, TestClient, TransportName } from "./client.js";
export type { ClientOptions } from "./_client-options.js";
export { collect, testScope } from "./collect.js";
export type { CollectOptions, TestScopeOptions } from "./collect.js";
export { createMemoryUpgrade } from "./memory-transport.js";
export type {
  MemoryPeer,
  MemoryPeerEvents,
  MemoryRequest,
  MemoryTransportOptions,
  OpenResponse,
} from "./memory-transport.js";
export { ConnectionClosedError, HandshakeError, SubprotocolError, TestTimeoutError } from "./errors.js";
export type { HandshakeResponse } from "./errors.js";
