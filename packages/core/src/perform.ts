import type { AcceptEvent, Event, Message, Outcome, PublishEvent } from "./events.js";
import { notAnEvent } from "./events.js";
import { Driver } from "./drive.js";
import type { Ending } from "./ending.js";
import type { CloseCause } from "./lifecycle.js";
import type { Membership } from "./membership.js";

/** Where a connection is, from its handshake to its end. */
export type State = "handshake" | "open" | "closing" | "closed";

/**
 * What each event a handler yields does, in each state of its connection; the connection
 * provides the steps. A base class between the {@link Driver} and the connection rather than a
 * part, so that an idle connection holds one object less.
 */
export abstract class Performer extends Driver {
  /** The handler yielded after a "dropped": the next such yield finishes it. */
  #dropped = false;

  abstract get state(): State;
  /** Accepts the handshake (explicitly, or implicitly with `event` empty). */
  protected abstract open(event?: Partial<AcceptEvent>): void;
  protected abstract refuse(
    status: number,
    body: string,
    headers: Readonly<Record<string, string>> | undefined,
    ending: Ending,
  ): void;
  protected abstract closeWith(cause: CloseCause, code: number, reason: string): void;
  /** Accepts the handshake if it is still undecided (implicitly); whether the connection is open. */
  protected abstract accepted(): boolean;
  protected abstract send(data: Message): Outcome | Promise<Outcome>;
  protected abstract publish(event: PublishEvent): Outcome | Promise<Outcome>;
  protected abstract topics(): Membership;

  perform(event: Event): Outcome | Promise<Outcome> {
    if (typeof event !== "object" || event === null) throw notAnEvent(event);
    if (this.state === "closing" || this.state === "closed") return this.#performAfterEnd(event);
    switch (event.type) {
      case "websocket.accept":
        if (this.state !== "handshake") throw new TypeError("accept(): the handshake was already accepted");
        this.open(event);
        return (this.state as State) === "open" ? "accepted" : "dropped";
      case "websocket.reject":
        if (this.state !== "handshake") {
          throw new TypeError("reject() after the handshake was accepted: yield close(code, reason) instead");
        }
        this.finish();
        this.refuse(event.status, event.body, event.headers, { cause: "server", code: 1006, reason: "" });
        return "dropped";
      case "websocket.close":
        this.finish();
        this.accepted();
        this.closeWith("server", event.code, event.reason);
        return "dropped";
      case "websocket.send": {
        const data = event.text ?? event.bytes;
        if (data === undefined) throw notAnEvent(event);
        return this.accepted() ? this.send(data) : "dropped";
      }
      case "websocket.subscribe":
        return this.accepted() ? this.topics().join(event.topic, event.since) : "dropped";
      case "websocket.unsubscribe":
        return this.accepted() ? this.topics().leave(event.topic) : "dropped";
      case "websocket.publish":
        return this.accepted() ? this.publish(event) : "dropped";
      default:
        throw notAnEvent(event);
    }
  }

  /**
   * The connection is over. Publishing and leaving topics need no socket and are still carried
   * out (a finally block announcing a leave). Anything else is "dropped", and a handler that
   * yields again regardless is finished, so an ignored outcome cannot spin forever.
   */
  #performAfterEnd(event: Event): Outcome | Promise<Outcome> {
    switch (event.type) {
      case "websocket.publish":
        return this.publish(event);
      case "websocket.unsubscribe":
        return this.topics().leave(event.topic);
      case "websocket.close":
      case "websocket.reject":
        this.finish();
        return "dropped";
      default:
        if (this.#dropped) this.finish();
        this.#dropped = true;
        return "dropped";
    }
  }
}
