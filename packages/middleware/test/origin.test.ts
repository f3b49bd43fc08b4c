import { send } from "@scallion/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { compose, LOCAL_ORIGINS, origin } from "../src/index.js";
import { statusOf } from "./_client.js";
import { start } from "./_server.js";

const hello = async function* () {
  yield send("hello");
};

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The status each Origin header gets from a server guarded by `origin(options)`. */
async function statuses(options: Parameters<typeof origin>[0], origins: (string | undefined)[]) {
  const server = await start(compose(origin(options))(hello));
  const result: Record<string, number | "open"> = {};
  for (const o of origins) result[o ?? "(none)"] = await statusOf(`${server.url}/`, o === undefined ? {} : { Origin: o });
  return result;
}

describe("origin", () => {
  it("allows exact origins, default ports normalised and case ignored", async () => {
    expect(
      await statuses({ allow: ["https://example.com", "http://app.test:8080"] }, [
        "https://example.com",
        "HTTPS://Example.COM",
        "https://example.com:443",
        "http://app.test:8080",
        "http://example.com",
        "https://example.com:8443",
        "http://app.test",
        "https://example.org",
      ]),
    ).toEqual({
      "https://example.com": "open",
      "HTTPS://Example.COM": "open",
      "https://example.com:443": "open",
      "http://app.test:8080": "open",
      "http://example.com": 403,
      "https://example.com:8443": 403,
      "http://app.test": 403,
      "https://example.org": 403,
    });
  });

  it("matches *. wildcards against subdomains only, never look-alike or suffixed hosts", async () => {
    expect(
      await statuses({ allow: "https://*.example.com" }, [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://example.com",
        "https://evil-example.com",
        "https://example.com.evil.io",
        "https://a.example.com.evil.io",
        "http://a.example.com",
        "https://a.example.com:444",
        "https://.example.com",
        "https://a..example.com",
      ]),
    ).toEqual({
      "https://a.example.com": "open",
      "https://a.b.example.com": "open",
      "https://example.com": 403,
      "https://evil-example.com": 403,
      "https://example.com.evil.io": 403,
      "https://a.example.com.evil.io": 403,
      "http://a.example.com": 403,
      "https://a.example.com:444": 403,
      "https://.example.com": 403,
      "https://a..example.com": 403,
    });
  });

  it("by default allows only the request's own origin: another port of the same host is another origin", async () => {
    const server = await start(compose(origin())(hello));
    const { port } = new URL(server.url);
    const status = (o: string) => statusOf(`${server.url}/`, { Origin: o });
    expect(await status(`http://127.0.0.1:${port}`)).toBe("open");
    expect(await status(`http://127.0.0.1:${Number(port) + 1}`)).toBe(403);
    expect(await status(`http://localhost:${port}`)).toBe(403);
    expect(await status("http://127.0.0.1")).toBe(403);
    expect(await status("https://example.com")).toBe(403);
  });

  it("compares with the Host the request names, and with the forwarded host only under trustProxy", async () => {
    const app = compose(origin())(hello);
    const direct = await start(app);
    const proxied = await start(app, { trustProxy: true });
    const headers = { Origin: "https://app.example.com", "X-Forwarded-Host": "app.example.com" };
    expect(await statusOf(`${direct.url}/`, headers)).toBe(403);
    expect(await statusOf(`${proxied.url}/`, headers)).toBe("open");
    expect(await statusOf(`${direct.url}/`, { Origin: "https://app.example.com", Host: "app.example.com" })).toBe("open");
    expect(await statusOf(`${direct.url}/`, { Origin: "http://app.example.com:8080", Host: "app.example.com" })).toBe(403);
  });

  it("adds localhost on any port only when asked for, with LOCAL_ORIGINS", async () => {
    expect(
      await statuses({ allow: LOCAL_ORIGINS }, [
        "http://localhost:5173",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
        "https://localhost",
        "http://localhost.evil.io",
        "http://127.0.0.1.nip.io",
        "https://example.com",
      ]),
    ).toEqual({
      "http://localhost:5173": "open",
      "http://127.0.0.1:3000": "open",
      "http://[::1]:8080": "open",
      "https://localhost": "open",
      "http://localhost.evil.io": 403,
      "http://127.0.0.1.nip.io": 403,
      "https://example.com": 403,
    });
    expect(await statuses({}, ["http://localhost:5173"])).toEqual({ "http://localhost:5173": 403 });
  });

  it("takes the allowed origins from WS_ALLOWED_ORIGINS, comma-separated, when allow is not given", async () => {
    vi.stubEnv("WS_ALLOWED_ORIGINS", " https://a.example.com, https://*.b.example.com ,");
    expect(
      await statuses({}, ["https://a.example.com", "https://x.b.example.com", "http://localhost:3000"]),
    ).toEqual({ "https://a.example.com": "open", "https://x.b.example.com": "open", "http://localhost:3000": 403 });
  });

  it("refuses malformed, opaque and oversized origins", async () => {
    expect(
      await statuses({ allow: LOCAL_ORIGINS }, [
        "null",
        "localhost:3000",
        "http://localhost:3000/path",
        "http://user@localhost:3000",
        "http://localhost:99999999",
        `http://${"a".repeat(5000)}.localhost`,
        "http://localhost:3000 ",
      ]),
    ).toEqual({
      null: 403,
      "localhost:3000": 403,
      "http://localhost:3000/path": 403,
      "http://user@localhost:3000": 403,
      "http://localhost:99999999": 403,
      [`http://${"a".repeat(5000)}.localhost`]: 403,
      // Node trims header values, so trailing blanks never reach the check.
      "http://localhost:3000 ": "open",
    });
  });

  it("allows requests without an Origin header unless allowMissing is false", async () => {
    expect(await statuses({}, [undefined])).toEqual({ "(none)": "open" });
    expect(await statuses({ allowMissing: false, allow: LOCAL_ORIGINS }, [undefined, "http://localhost:1"])).toEqual({
      "(none)": 403,
      "http://localhost:1": "open",
    });
  });

  it("accepts a predicate", async () => {
    expect(
      await statuses({ allow: (o, scope) => o.endsWith(".internal") && scope.path === "/" }, ["https://x.internal", "https://x.external"]),
    ).toEqual({ "https://x.internal": "open", "https://x.external": 403 });
  });

  it("throws a TypeError naming the option for a bad pattern or value", () => {
    expect(() => origin({ allow: ["https://example.com/path"] })).toThrow(/option "allow" has "https:\/\/example.com\/path"/);
    expect(() => origin({ allow: ["https://a.*.example.com"] })).toThrow(/option "allow"/);
    expect(() => origin({ allow: ["*"] })).toThrow(/option "allow"/);
    expect(() => origin({ allow: 7 as never })).toThrow(/option "allow"/);
    expect(() => origin({ allowMissing: "no" as never })).toThrow(/option "allowMissing"/);
    expect(() => origin({ alow: ["https://example.com"] } as never)).toThrow(/option "alow" is not known/);
  });
});
