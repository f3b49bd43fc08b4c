import { randomBytes } from "node:crypto";
import { checkOptions, optionChecks } from "@scallion/core/options";

/** Options of {@link CredentialStore}. */
export interface CredentialStoreOptions {
  /** How long a credential lasts from when it was issued, in milliseconds. */
  ttl: number;
  /** Most credentials held in all; issuing one more drops the oldest. */
  max: number;
  /** Most held per user; issuing one more drops that user's oldest, so one account's logins cannot push out another's. */
  perUser: number;
}

const checks = { ttl: optionChecks.duration, max: optionChecks.positiveInteger, perUser: optionChecks.positiveInteger };

/**
 * Random credentials (session ids, API tokens) mapped to the user they belong to, bounded in
 * count and in time: whatever a flood of logins does, it holds at most `max` entries, none older
 * than `ttl`. In memory, as a demo; a real app keeps them in its database or in Redis, with the
 * same bounds.
 */
export class CredentialStore {
  /** In insertion order, which is expiry order: every entry lives `ttl`. */
  readonly #entries = new Map<string, { readonly name: string; readonly expires: number }>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #options: CredentialStoreOptions;

  constructor(options: CredentialStoreOptions) {
    checkOptions("CredentialStore", options, checks);
    this.#options = options;
  }

  /** Credentials held now, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** A new credential for user `name`, valid for `ttl`. */
  issue(name: string): string {
    const now = Date.now();
    this.#sweep(now);
    const own = this.#byUser.get(name);
    if (own !== undefined && own.size >= this.#options.perUser) this.revoke(own.values().next().value as string);
    if (this.#entries.size >= this.#options.max) this.revoke(this.#entries.keys().next().value as string);
    const id = randomBytes(24).toString("base64url");
    this.#entries.set(id, { name, expires: now + this.#options.ttl });
    if (own === undefined || own.size === 0) this.#byUser.set(name, new Set([id]));
    else own.add(id);
    return id;
  }

  /** The user a credential belongs to, unless it is unknown, revoked or expired. */
  userOf(id: string): string | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires > Date.now()) return entry.name;
    this.revoke(id);
    return undefined;
  }

  /** Ends a credential at once; false when it was not held. */
  revoke(id: string): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    const own = this.#byUser.get(entry.name);
    own?.delete(id);
    if (own?.size === 0) this.#byUser.delete(entry.name);
    return true;
  }

  /** Drops expired entries from the oldest end: each is dropped once, so this costs O(1) per issue, amortised. */
  #sweep(now: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.expires > now) return;
      this.revoke(id);
    }
  }
}
