import type { Handler } from "@scallion/core";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Target = Handler<any, any>;

interface Node {
  readonly statics: Map<string, Node>;
  param?: { readonly name: string; readonly node: Node };
  target?: Target;
  wildcard?: Target;
}

/** A successful lookup: the target, its decoded params, and for `*` routes the raw rest of the path. */
export interface Match {
  readonly target: Target;
  readonly params: Record<string, string> | undefined;
  readonly rest: string | undefined;
}

const PARAM_NAME = /^[A-Za-z_$][\w$]*$/;

const newNode = (): Node => ({ statics: new Map() });

/**
 * Routes compiled for lookup: static paths in a Map (one lookup, whatever the number of routes),
 * patterns in a segment trie that tries static segments before parameters.
 */
export class RouteTable {
  /** Static paths with their matches, made once: looking one up allocates nothing. */
  readonly #statics = new Map<string, Match>();
  readonly #root = newNode();

  add(pattern: string, target: Target, where: string): void {
    if (typeof pattern !== "string" || !pattern.startsWith("/")) {
      throw new TypeError(`${where}: route ${JSON.stringify(pattern)} must start with "/"`);
    }
    if (typeof target !== "function") throw new TypeError(`${where}: route "${pattern}" must map to a handler`);
    const segments = pattern.slice(1).split("/");
    if (!segments.some((s) => s.startsWith(":") || s === "*")) {
      if (this.#statics.has(pattern)) throw new TypeError(`${where}: route "${pattern}" is defined twice`);
      this.#statics.set(pattern, Object.freeze({ target, params: undefined, rest: undefined }));
      return;
    }
    const names = new Set<string>();
    let node = this.#root;
    for (const [i, segment] of segments.entries()) {
      if (segment === "*") {
        if (i !== segments.length - 1) throw new TypeError(`${where}: route "${pattern}": "*" must be the last segment`);
        if (node.wildcard !== undefined) throw new TypeError(`${where}: route "${pattern}" is defined twice`);
        node.wildcard = target;
        return;
      }
      if (segment.startsWith(":")) {
        const name = segment.slice(1);
        if (!PARAM_NAME.test(name) || name === "__proto__" || names.has(name)) {
          throw new TypeError(`${where}: route "${pattern}": bad or repeated parameter name "${name}"`);
        }
        names.add(name);
        if (node.param !== undefined && node.param.name !== name) {
          throw new TypeError(`${where}: route "${pattern}": ":${name}" conflicts with ":${node.param.name}" at the same place`);
        }
        node.param ??= { name, node: newNode() };
        node = node.param.node;
      } else {
        let child = node.statics.get(segment);
        if (child === undefined) node.statics.set(segment, (child = newNode()));
        node = child;
      }
    }
    if (node.target !== undefined) throw new TypeError(`${where}: route "${pattern}" is defined twice`);
    node.target = target;
  }

  /** Looks `path` (still percent-encoded, no query) up; throws URIError on a malformed escape. */
  match(path: string): Match | undefined {
    const encoded = path.includes("%");
    if (!encoded) {
      const match = this.#statics.get(path);
      if (match !== undefined) return match;
    }
    const raw = path.slice(1).split("/");
    const segments = encoded ? raw.map(decodeURIComponent) : raw;
    // A decoded "/" (from %2F) is data inside one segment, never a separator.
    if (encoded && !segments.some((s) => s.includes("/"))) {
      const match = this.#statics.get(`/${segments.join("/")}`);
      if (match !== undefined) return match;
    }
    return this.#walk(this.#root, raw, segments, 0, []);
  }

  #walk(node: Node, raw: string[], segments: string[], i: number, found: [string, string][]): Match | undefined {
    if (i === segments.length && node.target !== undefined) {
      return { target: node.target, params: toParams(found), rest: undefined };
    }
    if (i < segments.length) {
      const segment = segments[i] as string;
      const child = node.statics.get(segment);
      const viaStatic = child && this.#walk(child, raw, segments, i + 1, found);
      if (viaStatic) return viaStatic;
      if (node.param !== undefined && segment !== "") {
        found.push([node.param.name, segment]);
        const viaParam = this.#walk(node.param.node, raw, segments, i + 1, found);
        if (viaParam) return viaParam;
        found.pop();
      }
    }
    if (node.wildcard !== undefined) {
      const params = toParams(found) ?? {};
      params["*"] = segments.slice(i).join("/");
      return { target: node.wildcard, params, rest: `/${raw.slice(i).join("/")}` };
    }
    return undefined;
  }
}

function toParams(found: [string, string][]): Record<string, string> | undefined {
  if (found.length === 0) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of found) params[name] = value;
  return params;
}
