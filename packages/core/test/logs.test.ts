import { describe, expect, it, vi } from "vitest";
import { CloseError, send, websocket } from "../src/index.js";
import { throttledLogger } from "../src/logger.js";
import { frame, openRaw } from "./_raw.js";
import { recordingLogger, start } from "./_server.js";

const echo = websocket(async function* (_scope, receiver) {
  for await (const message of receiver) {
    if (message === "bad") throw new CloseError(1008, "bad message");
    yield send(message);
  }
});

describe("logs fit for production", () => {
  it("counts what clients do wrong and logs it at debug level at most", async () => {
    const logger = recordingLogger();
    const server = await start(echo, { logger });
    for (let i = 0; i < 20; i++) {
      const raw = await openRaw(Number(server.address.port));
      raw.write(frame({ opcode: 1, payload: Buffer.from(i % 2 === 0 ? [0xff] : "bad") }));
      await raw.closeCode;
      raw.socket.destroy();
    }
    await vi.waitFor(() => expect(server.stats().clientFaults).toEqual({ 1007: 10, 1008: 10 }));
    expect(logger.entries.filter((entry) => entry.level !== "debug")).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level === "debug")).toHaveLength(20);
  });

  it("writes a bounded number of lines per window, then says how many it dropped", async () => {
    vi.useFakeTimers();
    try {
      const logger = recordingLogger();
      const throttled = throttledLogger(logger, { lines: 5, per: 1000 });
      for (let i = 0; i < 100; i++) throttled.error({ i }, "handler threw");
      throttled.debug({}, "client fault");
      expect(logger.entries).toHaveLength(5);
      vi.advanceTimersByTime(1000);
      expect(logger.entries).toHaveLength(6);
      expect(logger.entries[5]).toMatchObject({ level: "warn", context: { dropped: { error: 95, debug: 1 } } });
      throttled.error({}, "again");
      expect(logger.entries).toHaveLength(7);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves out debug lines where the logger has no debug", () => {
    const lines: string[] = [];
    const throttled = throttledLogger({ info: () => {}, warn: () => {}, error: (_c, m) => void lines.push(m) });
    throttled.debug({}, "client fault");
    throttled.error({}, "server fault");
    expect(lines).toEqual(["server fault"]);
  });
});
