import { fileURLToPath } from "node:url";
import type { ClientKind } from "./load/clients.js";

/** A server under test: its script in `servers/` and the client that speaks its protocol. */
export interface Contender {
  readonly name: string;
  readonly script: string;
  readonly kind: ClientKind;
}

const script = (name: string): string => fileURLToPath(new URL(`servers/${name}.ts`, import.meta.url));

/** Every server, the baseline first: ratios are taken against raw `ws`. */
export const CONTENDERS: readonly Contender[] = [
  { name: "ws", script: script("ws"), kind: "ws" },
  { name: "scallion-minimal", script: script("scallion-minimal"), kind: "ws" },
  { name: "scallion-full", script: script("scallion-full"), kind: "ws" },
  { name: "scallion-cluster", script: script("scallion-cluster"), kind: "ws" },
  { name: "ws-cluster", script: script("ws-cluster"), kind: "ws" },
  { name: "crossws", script: script("crossws"), kind: "ws" },
  { name: "socketio", script: script("socketio"), kind: "socketio" },
];

/** Node flags for a server under test: `--expose-gc` and the harness that reacts to signals. */
export const SERVER_NODE_ARGS: readonly string[] = [
  "--expose-gc",
  "--import",
  fileURLToPath(new URL("servers/_harness.ts", import.meta.url)),
];
