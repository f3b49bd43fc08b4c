import type { Handler, Message, Scope } from "@scallion/core";
import { send, sendJson, websocket } from "@scallion/core";
import { connect, testServer } from "@scallion/testing";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { compose, json, validate } from "../src/index.js";

/** The handler every wrapper below wraps: it echoes, so a lost message shows. */
const echo: Handler = async function* (_scope, receiver) {
  for await (const message of receiver) yield send(`echo ${String(message)}`);
};

type Wrap = (next: Handler) => Handler;

/** Middleware written the ways users write functions; each must behave exactly like `echo`. */
class Logger {
  readonly lines: string[] = [];
  wrap(next: Handler): Handler {
    const lines = this.lines;
    return function logged(scope, receiver) {
      lines.push(scope.path);
      return next(scope, receiver);
    };
  }
  method(this: { readonly next: Handler }, scope: Scope, receiver: AsyncIterable<Message>) {
    return this.next(scope, receiver);
  }
}
const nothing: AsyncIterable<Message> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };
const shapes: Record<string, Wrap> = {
  "rest parameters": (next) => (...args) => next(...args),
  "a default parameter": (next) => (scope: Scope, receiver: AsyncIterable<Message> = nothing) => next(scope, receiver),
  "function (scope, receiver = x)": (next) =>
    function (scope: Scope, receiver: AsyncIterable<Message> = nothing) {
      return next(scope, receiver);
    },
  "arguments, no parameters": (next) =>
    function (this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      return next(...(arguments as unknown as Parameters<Handler>));
    } as Handler,
  "a bound function": (next) => Logger.prototype.method.bind({ next }),
  "a class method": (next) => new Logger().wrap(next),
};

for (const transport of ["memory", "ws"] as const) {
  describe(`user middleware in every function shape (${transport})`, () => {
    for (const [shape, wrap] of Object.entries(shapes)) {
      it(`${shape}: the wrapped handler reads every message`, async () => {
        for (const app of [wrap(echo), compose(wrap)(echo), websocket(wrap(echo))]) {
          await using client = await connect(app, "/", { transport });
          client.send("a");
          client.send("b");
          expect(await client.receive()).toBe("echo a");
          expect(await client.receive()).toBe("echo b");
        }
      });
    }

    it("a handler with no receiver parameter still gets its messages unless it says it is push-only", async () => {
      const counting = async function* (_scope: Scope, ...rest: [AsyncIterable<Message>?]) {
        for await (const message of rest[0] ?? nothing) yield send(`got ${String(message)}`);
      };
      await using client = await connect(websocket(counting), "/", { transport });
      client.send("x");
      expect(await client.receive()).toBe("got x");
    });

    it("a push-only handler behind json() connects, pushes, and has what it is sent discarded", async () => {
      await using server = testServer(
        compose(json())(
          websocket(
            async function* (scope) {
              yield sendJson({ hello: scope.path });
              await new Promise((resolve) => scope.signal.addEventListener("abort", resolve));
            },
            { receive: false },
          ),
        ),
        { transport, maxQueue: 2 },
      );
      const client = await server.connect("/feed");
      expect(await client.receiveJson()).toEqual({ hello: "/feed" });
      for (let i = 0; i < 10; i++) client.send("{}");
      await vi.waitFor(() => expect(server.stats().messagesDiscarded).toBe(10));
      expect(server.stats().queuedMessages).toBe(0);
    });

    it("a handler without a receiver parameter behind json() connects (it was HTTP 500)", async () => {
      await using client = await connect(
        compose(json())(
          websocket(async function* (scope) {
            yield sendJson({ hello: scope.path });
          }),
        ),
        "/feed",
        { transport },
      );
      expect(await client.receiveJson()).toEqual({ hello: "/feed" });
      expect((await client.closed).code).toBe(1000);
    });
  });
}

describe("middleware in the wrong order", () => {
  const Message = z.object({ type: z.literal("say"), text: z.string() });

  it("is refused by compose() with a TypeError naming both, when types were bypassed", () => {
    const reversed = [validate(Message), json()] as unknown as [ReturnType<typeof json>];
    expect(() => compose(...reversed)).toThrow(
      /json\(\) at position 1 reads the client's raw messages, but validate\(\) at position 0 before it hands on parsed values/,
    );
    const inner = compose(json(), validate(Message));
    expect(() => compose(...([inner, json()] as unknown as [ReturnType<typeof json>]))).toThrow(/json\(\) at position 1/);
    expect(() => compose(json(), validate(Message))).not.toThrow();
  });

  it("is a type error where compose() is used", () => {
    expect(() =>
      // @ts-expect-error: json() cannot read what validate() hands on
      compose(validate(Message), json())(async function* () {}),
    ).toThrow(TypeError);
    compose(json(), validate(Message))(async function* (_scope, receiver) {
      for await (const message of receiver) void message.text;
    });
  });

  it("json() handed parsed values says the chain is out of order, rather than closing with 1003", async () => {
    const parsed = (next: Handler<Scope, unknown>): Handler =>
      function parse(scope, receiver) {
        return next(scope, (async function* () {
          for await (const message of receiver) yield JSON.parse(String(message)) as unknown;
        })());
      };
    const app = (parsed as unknown as (next: Handler) => Handler)(json()(async function* (_scope, receiver) {
      for await (const message of receiver) yield sendJson(message);
    }));
    await using client = await connect(app, "/");
    client.send('{"a":1}');
    expect((await client.closed).code).toBe(1011);
  });
});
