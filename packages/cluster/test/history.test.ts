import { describe, expect, it } from "vitest";
import type { Client } from "./_cluster.js";
import { clusters, join, onEveryWorker } from "./_cluster.js";

interface Frame {
  kind: "message" | "position";
  epoch: string;
  offset: number;
  text?: string;
  recovered?: boolean;
}

const frames = (client: Client): Frame[] => client.messages.filter((m) => m.startsWith("{")).map((m) => JSON.parse(m) as Frame);

describe("history kept by the primary of a node:cluster", () => {
  const fixture = clusters();

  it("numbers messages across workers, and resumes a client on either worker with what it missed", async () => {
    const cluster = await fixture.start();
    const [[a], [b]] = (await onEveryWorker(cluster, 1, "/?room=h:1")) as [Client[], Client[]] as [[Client], [Client]];
    a.ws.send("say one");
    b.ws.send("say two");
    await a.wait(4); // position, one, two, said (in some order)
    await b.wait(4);
    const texts = (c: Client): string[] => frames(c).filter((f) => f.kind === "message").map((f) => `${f.offset} ${f.text}`);
    expect(texts(a)).toEqual(texts(b));
    expect(texts(a).map((t) => t.split(" ")[0])).toEqual(["1", "2"]);
    const { epoch } = frames(a)[0] as Frame;
    b.ws.close();
    a.ws.send("say three");
    a.ws.send("say four");
    await a.wait(8);
    // Back from the last position b saw, on either worker.
    for (const back of (await onEveryWorker(cluster, 1, `/?room=h:1&epoch=${epoch}&offset=2`)).flat()) {
      expect(back.outcome).toBe("recovered");
      const replay = frames(back);
      expect(replay[0]).toMatchObject({ kind: "position", epoch, offset: 4, recovered: true });
      expect(replay.slice(1).map((f) => `${f.offset} ${f.text}`)).toEqual(["3 three", "4 four"]);
    }
  });

  it("gives a new primary a new epoch: older positions are not recovered", async () => {
    const first = await fixture.start();
    const a = await join(first, "/?room=h:2");
    a.ws.send("say one");
    await a.wait(3);
    const { epoch } = frames(a)[0] as Frame;
    const second = await fixture.start();
    const back = await join(second, `/?room=h:2&epoch=${epoch}&offset=1`);
    expect(back.outcome).toBe("not recovered");
    expect(frames(back)[0]).toMatchObject({ kind: "position", offset: 0, recovered: false });
    expect((frames(back)[0] as Frame).epoch).not.toBe(epoch);
  });
});
