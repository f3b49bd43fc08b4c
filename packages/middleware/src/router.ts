import type { Handler, Message, Scope } from "@scallion/core";
import { extendScope, reject } from "@scallion/core";
import { checkOptions, optionChecks } from "@scallion/core/options";
import { respond } from "./_respond.js";
import { RouteTable } from "./_route-table.js";

/** The parameters a route pattern declares: `"/chat/:room/*"` → `{ room: string; "*": string }`. */
export type RouteParams<P extends string> = { readonly [K in ParamNames<P>]: string };

type ParamNames<P extends string> = P extends `${string}:${infer Rest}`
  ? Rest extends `${infer Name}/${infer Tail}`
    ? Name | ParamNames<`/${Tail}`>
    : Rest
  : P extends `${string}/*`
    ? "*"
    : never;

/** The scope a route's handler sees: `params` typed from its pattern. */
export type RouteScope<P extends string> = Omit<Scope, "params"> & { readonly params: RouteParams<P> };

/** A route table as the router keeps it: each pattern with the handler it serves. */
export type Routes<K extends string = string> = { readonly [P in K]: Handler<RouteScope<P>> };

/** A router: a handler that dispatches by path, whose table `mount()` can graft into another. */
export type Router<K extends string = string> = Handler<Scope, Message> & { readonly routes: Routes<K> };

/** Options of {@link router}. */
export interface RouterOptions {
  /** Serves paths no route matches. Default: `reject(404)`. */
  notFound?: Handler;
}

/**
 * The part of the path still to route, for a router inside a `*` route (a mounted handler), kept
 * by the `params` object the matching router made: a scope is copied on its way down (spread or
 * extended), its `params` are handed on as they are.
 */
const restOf = new WeakMap<object, string>();

/**
 * Routes connections by path. Patterns have static segments, `:name` parameters (percent-decoded
 * into `scope.params`) and a trailing `*` that matches the rest of the path, possibly empty
 * (`scope.params["*"]`). Static paths are found with one Map lookup; otherwise static segments are
 * tried before parameters. The query string plays no part. An unknown path is refused with 404,
 * a malformed percent-escape with 400.
 *
 * Per-route middleware: give the route a composed handler, `compose(a, b)(handler)`; the
 * handler's scope has both the route's params and what `a` and `b` add. Groups: spread
 * {@link mount} into the table.
 *
 * @example
 * const app = router({
 *   "/": home,
 *   "/chat/:room": compose(auth({ verify }))(async function* (scope, receiver) {
 *     yield send(`${scope.user.name} joined ${scope.params.room}`);
 *   }),
 *   ...mount("/admin", adminRoutes),
 * });
 */
export function router<const R extends Record<string, unknown>>(
  routes: { [P in keyof R]: Handler<RouteScope<P & string>> },
  options: RouterOptions = {},
): Router<keyof R & string> {
  if (typeof routes !== "object" || routes === null) throw new TypeError("router(): routes must be an object");
  checkOptions("router()", options, { notFound: optionChecks.function });
  const { notFound } = options;
  const table = new RouteTable();
  for (const [pattern, target] of Object.entries(routes)) table.add(pattern, target as Handler, "router()");

  function routed(scope: Scope, receiver: AsyncIterable<Message>) {
    const rest = restOf.get(scope.params);
    let match;
    try {
      match = table.match(rest ?? scope.path);
    } catch {
      return respond(reject(400, "Bad Request: malformed percent-encoding in the path"));
    }
    if (match === undefined) return notFound ? notFound(scope, receiver) : respond(reject(404));
    // Only enriches the scope: the route's iterator is returned as is, no layer per message. The
    // target is called as a plain function: as `match.target(…)`, a generator would keep `match`.
    const { target } = match;
    if (match.params === undefined && rest === undefined) return target(scope, receiver);
    // Fresh params even with none matched here, so no rest is left on them for a router below.
    const params = { ...scope.params, ...match.params };
    if (match.rest !== undefined) restOf.set(params, match.rest);
    return target(extendScope(scope, { params }), receiver);
  }
  return Object.assign(routed, { routes: Object.freeze({ ...routes }) }) as unknown as Router<keyof R & string>;
}

type Prefixed<P extends string, K> = K extends "/" ? P : K extends `/*` ? `${P}/*` : K extends string ? `${P}${K}` : never;

/**
 * A group of routes under a prefix, to spread into a {@link router} table (like a Flask
 * blueprint). A router's routes are grafted in, so its static paths stay one lookup; any other
 * handler (e.g. a router wrapped in middleware) serves `prefix` and everything below it, and a
 * router inside it routes what follows the prefix.
 *
 * @example
 * router({ "/": home, ...mount("/admin", compose(requireAdmin)(adminRouter)) });
 */
export function mount<P extends string, K extends string>(
  prefix: P,
  target: Router<K>,
): { readonly [Q in K as Prefixed<P, Q>]: Handler<RouteScope<Q>> };
export function mount<P extends string>(
  prefix: P,
  target: Handler<RouteScope<P>>,
): { readonly [Q in `${P}/*`]: Handler<RouteScope<P>> };
export function mount(prefix: string, target: Handler | Router): Readonly<Record<string, Handler>> {
  if (typeof prefix !== "string" || !prefix.startsWith("/") || prefix.endsWith("/") || prefix.includes("*")) {
    throw new TypeError(`mount(): prefix must start with "/" and end without "/" or "*", got ${JSON.stringify(prefix)}`);
  }
  if (typeof target !== "function") throw new TypeError("mount(): target must be a router or a handler");
  const routes = (target as Partial<Router>).routes;
  // "*" also matches the empty rest, so this one route serves the prefix itself too.
  if (routes === undefined) return { [`${prefix}/*`]: target };
  const grafted: Record<string, Handler> = {};
  for (const [pattern, handler] of Object.entries(routes)) {
    grafted[pattern === "/" ? prefix : `${prefix}${pattern}`] = handler as Handler;
  }
  return grafted;
}
