import type { Scope } from "@scallion/core";

/** A scope as the runtime would build it for `url`, for calling handlers without a socket. */
export function scopeFor(url: string, headers: Record<string, string> = {}): Scope {
  const q = url.indexOf("?");
  return {
    id: "test",
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1))),
    headers,
    subprotocols: [],
    address: "127.0.0.1",
    host: headers.host ?? "",
    params: {},
    signal: new AbortController().signal,
  };
}

/** An empty receiver. */
export const noMessages: AsyncIterable<string> = {
  async *[Symbol.asyncIterator]() {},
};
