import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A signed-in user, as the WebSocket handlers see it on `scope.user`. */
export interface User {
  readonly name: string;
  readonly displayName: string;
}

const digest = (password: string) => createHash("sha256").update(password).digest();

/**
 * The demo's user directory. A real app keeps password hashes (scrypt, argon2) in a database;
 * the shape of the checks is the same.
 */
export class Users {
  readonly #accounts = new Map<string, { user: User; password: Buffer }>();
  readonly #tokens = new Map<string, string>();

  add(name: string, displayName: string, password: string): this {
    this.#accounts.set(name, { user: { name, displayName }, password: digest(password) });
    return this;
  }

  /** The user, if the password is right; compared in constant time. */
  login(name: string, password: string): User | undefined {
    const account = this.#accounts.get(name);
    const ok = timingSafeEqual(digest(password), account?.password ?? digest(`${password}!`));
    return ok ? account?.user : undefined;
  }

  /** The user a session cookie names (its signature was checked by the cookie extractor). */
  byName(name: string): User | undefined {
    return this.#accounts.get(name)?.user;
  }

  /** Issues an opaque API token for scripts that cannot hold a cookie. */
  issueToken(user: User): string {
    const token = randomBytes(24).toString("base64url");
    this.#tokens.set(token, user.name);
    return token;
  }

  /** The user an API token belongs to. Async, as a database lookup would be. */
  async byToken(token: string): Promise<User | undefined> {
    const name = this.#tokens.get(token);
    return name === undefined ? undefined : this.byName(name);
  }
}

/** The demo users: ann / ann-password and bob / bob-password. */
export function demoUsers(): Users {
  return new Users().add("ann", "Ann", "ann-password").add("bob", "Bob", "bob-password");
}
