import { OptionError } from "@scallion/core";
import { describe, expect, it } from "vitest";
import { RedisPubSub } from "../src/index.js";

describe("createRedisPubSub() options", () => {
  it("refuses a cluster with a url, without root node URLs, or with braces in the prefix", () => {
    const rootNodes = [{ url: "redis://127.0.0.1:7000" }];
    const refused = (options: object, option: string): void => {
      expect(() => new RedisPubSub(options)).toThrow(OptionError);
      expect(() => new RedisPubSub(options)).toThrow(expect.objectContaining({ option }));
    };
    refused({ url: "redis://127.0.0.1:6379", cluster: { rootNodes } }, "cluster");
    refused({ cluster: { rootNodes: [] } }, "cluster");
    refused({ cluster: { rootNodes: [{ url: "127.0.0.1:7000" }] } }, "cluster");
    refused({ cluster: {} }, "cluster");
    refused({ cluster: { rootNodes }, prefix: "{app}:" }, "prefix");
    refused({ url: "http://127.0.0.1" }, "url");
  });
});
