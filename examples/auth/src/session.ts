/** The session cookie's name; examples/chat reads the same cookie to name signed-in users. */
export const SESSION_COOKIE = "session";

/** How long a session lasts: the cookie's Max-Age, the server's `maxAge` check, and the session store's ttl. */
export const SESSION_SECONDS = 8 * 60 * 60;

/**
 * A session cookie's value: `<session id>:<user name>`, signed with its issued-at by
 * `serializeSessionCookie`. The id is what logout revokes; the name lets a service without the
 * session store (examples/chat) tell who is signed in.
 */
export function sessionValue(id: string, name: string): string {
  return `${id}:${name}`;
}

/** The id and name of a session value, or undefined when it is not one. */
export function parseSession(value: string): { id: string; name: string } | undefined {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) return undefined;
  return { id: value.slice(0, colon), name: value.slice(colon + 1) };
}
