import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerProcess } from "../_process.js";
import { startServer } from "../_process.js";
import { CONTENDERS, SERVER_NODE_ARGS } from "../contenders.js";
import type { Connection } from "../load/clients.js";
import { closeAll, open, openMany } from "../load/clients.js";
import { payload } from "../load/payload.js";
import { QUICK } from "../load/plan.js";
import { runLoad } from "../load/run-load.js";

/** Every message `connection` receives from now on. */
function inbox(connection: Connection): string[] {
  const received: string[] = [];
  connection.onMessage((text) => received.push(text));
  return received;
}

/** A subscription may land just after the handshake: publish until one message reaches everyone. */
async function warmUp(publisher: Connection, inboxes: readonly string[][]): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const message = payload(`warm${attempt}-`);
    publisher.send(message);
    const everyone = (): void => {
      if (!inboxes.every((received) => received.includes(message))) throw new Error("not everyone yet");
    };
    if (await vi.waitFor(everyone, 500).then(() => true, () => false)) return;
  }
  throw new Error("no publish reached every subscriber");
}

describe.each(CONTENDERS)("$name", ({ script, kind }) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(script);
  });
  afterAll(() => server.stop());

  it("sends each /echo message back, in order", async () => {
    const connection = await open(kind, server.port, "/echo");
    const received = inbox(connection);
    const sent = [payload("a"), payload("b"), payload("c")];
    for (const message of sent) connection.send(message);
    await vi.waitFor(() => expect(received).toEqual(sent));
    await connection.close();
  });

  it("publishes each /room message to every connection on /room, the sender included", async () => {
    const connections = await openMany(kind, server.port, "/room", 3);
    const inboxes = connections.map(inbox);
    await warmUp(connections[1] as Connection, inboxes);
    for (const received of inboxes) received.length = 0;
    const message = payload("room");
    connections[2]?.send(message);
    await vi.waitFor(() => {
      for (const received of inboxes) expect(received).toEqual([message]);
    });
    await closeAll(connections);
  });
});

describe("the load generator", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(CONTENDERS[1]?.script as string, { nodeArgs: SERVER_NODE_ARGS });
  });
  afterAll(() => server.stop());

  it("measures every scenario of a plan against a server", async () => {
    const plan = { ...QUICK, memory: { connections: 20, settleMs: 0 }, fanouts: [{ subscribers: 20, publishes: 3, timeoutMs: 5_000 }] };
    const metrics = await runLoad({ kind: "ws", port: server.port, pid: server.child.pid as number, plan });
    for (const name of ["echo msg/s", "pipelined msg/s", "handshakes/s", "ws-client handshakes/s", "fan-out 20 median ms"]) {
      expect(metrics[name]).toBeGreaterThan(0);
    }
    expect(Number.isFinite(metrics["memory B/conn"])).toBe(true);
  });
});
