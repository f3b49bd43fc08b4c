import { afterEach } from "vitest";
import type { Client } from "../src/client.js";
import { createClient } from "../src/node.js";

const open: Client<unknown, unknown>[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** `createClient` from the Node entry, closed after the test. */
export const client: typeof createClient = (target, options) => {
  const c = createClient(target, options);
  open.push(c as Client<unknown, unknown>);
  return c;
};

/** Records a client's state changes as `state` or `state:code`. */
export function recordStates(c: Client<unknown, unknown>): string[] {
  const states: string[] = [];
  c.on("state", (change) => states.push("code" in change ? `${change.state}:${change.code}` : change.state));
  return states;
}
