import { DEFAULT_BACKOFF } from "./backoff.js";
import type { ClientOptions, PingOptions, ReconnectOptions } from "./options.js";
import { DEFAULT_STOP_CODES } from "./options.js";

/** `defaults` overridden by what `given` sets; an option given as `undefined` keeps its default. */
function withDefaults<T extends object>(defaults: Required<T>, given: T): Required<T> {
  const result = { ...defaults };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  return result;
}

/** The `reconnect` option with its defaults filled in; undefined when reconnecting is off. */
export function reconnectPolicy(reconnect: ClientOptions["reconnect"] = true): Required<ReconnectOptions> | undefined {
  if (reconnect === false) return undefined;
  const defaults = { ...DEFAULT_BACKOFF, maxAttempts: Infinity, stopOn: DEFAULT_STOP_CODES, resetAfter: 5_000 };
  return withDefaults(defaults, reconnect === true ? {} : reconnect);
}

/** The `ping` option with its defaults filled in (every half `idleTimeout`, or 25 s); undefined when off. */
export function pingPolicy({ ping, idleTimeout }: Pick<ClientOptions, "ping" | "idleTimeout">): Required<PingOptions> | undefined {
  return ping && withDefaults({ pong: () => false, interval: idleTimeout === undefined ? 25_000 : idleTimeout / 2, message: "" }, ping);
}
