/**
 * How far to believe `X-Forwarded-For`/`X-Real-IP`: `false` (the default) never, so the address
 * is the socket's; `true` takes the client the first proxy saw; a number `n` trusts the last `n`
 * proxies in front of the server and takes the address the outermost of them saw.
 */
export type TrustProxy = boolean | number;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The client's address for a scope, from the socket or, when trusted, from proxy headers. */
export function clientAddress(socketAddress: string, headers: Headers, trust: TrustProxy): string {
  if (trust === false || trust === 0) return socketAddress;
  const forwarded = forwardedBy(headers["x-forwarded-for"], trust);
  if (forwarded !== undefined) return forwarded;
  const real = headers["x-real-ip"];
  return typeof real === "string" && real.trim() !== "" ? real.trim() : socketAddress;
}

/**
 * The host the client asked for, lower-cased: the `Host` header or, when proxies are trusted,
 * the `X-Forwarded-Host` they passed on. "" when the request names none.
 */
export function requestHost(headers: Headers, trust: TrustProxy): string {
  const forwarded = trust === false || trust === 0 ? undefined : forwardedBy(headers["x-forwarded-host"], trust);
  const host = forwarded ?? headers.host;
  return typeof host === "string" ? host.trim().toLowerCase() : "";
}

/** The value of a comma-separated forwarding header that the trusted proxies vouch for. */
function forwardedBy(header: string | string[] | undefined, trust: true | number): string | undefined {
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  if (hops.length === 0) return undefined;
  // The last entry was added by the proxy nearest to us; each trusted proxy vouches for one more.
  return hops[trust === true ? 0 : Math.max(0, hops.length - trust)];
}
