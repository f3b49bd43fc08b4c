/**
 * How far to believe `X-Forwarded-For`/`X-Real-IP`: `false` (the default) never, so the address
 * is the socket's; `true` takes the client the first proxy saw; a number `n` trusts the last `n`
 * proxies in front of the server and takes the address the outermost of them saw.
 */
export type TrustProxy = boolean | number;

/** The client's address for a scope, from the socket or, when trusted, from proxy headers. */
export function clientAddress(
  socketAddress: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  trust: TrustProxy,
): string {
  if (trust === false || trust === 0) return socketAddress;
  const forwarded = headers["x-forwarded-for"];
  const hops = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  if (hops.length > 0) {
    // The last entry was added by the proxy nearest to us; each trusted proxy vouches for one more.
    const index = trust === true ? 0 : Math.max(0, hops.length - trust);
    return hops[index] as string;
  }
  const real = headers["x-real-ip"];
  return typeof real === "string" && real.trim() !== "" ? real.trim() : socketAddress;
}
