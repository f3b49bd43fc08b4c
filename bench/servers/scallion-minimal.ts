/** Scallion with the router only: the least a Scallion app can be. */
import { serve } from "@scallion/core";
import { minimalApp } from "./_minimal-app.js";
import { announce, host, port } from "./_listen.js";

// The load generator opens every connection from 127.0.0.1: no per-address cap, as for raw ws.
const server = await serve(minimalApp, { port, host, maxConnectionsPerAddress: null });
announce("scallion-minimal", server.address.port as number);
