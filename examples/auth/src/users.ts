import { createHash, timingSafeEqual } from "node:crypto";
import { parseSession, SESSION_SECONDS, sessionValue } from "./session.js";
import type { CredentialStoreOptions } from "./store.js";
import { CredentialStore } from "./store.js";

/** A signed-in user, as the WebSocket handlers see it on `scope.user`. */
export interface User {
  readonly name: string;
  readonly displayName: string;
}

/** Options of {@link Users}: the bounds of its session and token stores. */
export interface UsersOptions {
  sessions?: CredentialStoreOptions;
  tokens?: CredentialStoreOptions;
}

/** Sessions last as long as their cookie; 10,000 at most, 16 per user. */
export const SESSION_STORE: CredentialStoreOptions = { ttl: SESSION_SECONDS * 1000, max: 10_000, perUser: 16 };
/** API tokens last an hour (they end up in logs as `?token=`); 10,000 at most, 16 per user. */
export const TOKEN_STORE: CredentialStoreOptions = { ttl: 60 * 60 * 1000, max: 10_000, perUser: 16 };

const digest = (password: string) => createHash("sha256").update(password).digest();

/**
 * The demo's user directory, with the sessions and API tokens it issued. A real app keeps
 * password hashes (scrypt, argon2) and sessions in a database; the shape of the checks is the same.
 */
export class Users {
  readonly #accounts = new Map<string, { user: User; password: Buffer }>();
  readonly sessions: CredentialStore;
  readonly tokens: CredentialStore;

  constructor(options: UsersOptions = {}) {
    this.sessions = new CredentialStore(options.sessions ?? SESSION_STORE);
    this.tokens = new CredentialStore(options.tokens ?? TOKEN_STORE);
  }

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

  byName(name: string): User | undefined {
    return this.#accounts.get(name)?.user;
  }

  /** Starts a session: the value to sign into the session cookie. */
  startSession(user: User): string {
    return sessionValue(this.sessions.issue(user.name), user.name);
  }

  /** The user of a session cookie's value (its signature and age were checked by the cookie reader), unless it was revoked. */
  bySession(value: string): User | undefined {
    const session = parseSession(value);
    if (session === undefined || this.sessions.userOf(session.id) !== session.name) return undefined;
    return this.byName(session.name);
  }

  /** Revokes a session at logout: its cookie is refused from now on, wherever it was copied to. */
  endSession(value: string): boolean {
    const session = parseSession(value);
    return session !== undefined && this.sessions.userOf(session.id) === session.name && this.sessions.revoke(session.id);
  }

  /** Issues an opaque API token for scripts that cannot hold a cookie. */
  issueToken(user: User): string {
    return this.tokens.issue(user.name);
  }

  /** The user an API token belongs to. Async, as a database lookup would be. */
  async byToken(token: string): Promise<User | undefined> {
    const name = this.tokens.userOf(token);
    return name === undefined ? undefined : this.byName(name);
  }
}

/** The demo users: ann / ann-password and bob / bob-password. */
export function demoUsers(options?: UsersOptions): Users {
  return new Users(options).add("ann", "Ann", "ann-password").add("bob", "Bob", "bob-password");
}
