/** Every runtime export of @trigger.dev/sdk v4 exists in @stint/sdk, and the not-yet ones fail loudly when called. */
import { describe, expect, it } from "vitest";
import * as real from "@trigger.dev/sdk";
import * as ours from "../src/index.js";

describe("exports", () => {
  it("has every runtime export of @trigger.dev/sdk", () => {
    const missing = Object.keys(real).filter((name) => !(name in ours));
    expect(missing).toEqual([]);
  });

  it("calls Stint does not support yet throw an error naming the feature; streams.pipe outside a task says so", () => {
    expect(() => ours.webhooks.constructEvent()).toThrow(/webhooks\.constructEvent is not supported by Stint yet/);
    expect(() => ours.streams.pipe("tokens", (async function* () {})())).toThrow(/streams\.pipe/);
  });

  it("queues.* and envvars.* without a configured webapp say how to configure one", async () => {
    const saved = { url: process.env.TRIGGER_API_URL, key: process.env.TRIGGER_SECRET_KEY };
    delete process.env.TRIGGER_API_URL;
    delete process.env.TRIGGER_SECRET_KEY;
    try {
      await expect(ours.queues.list()).rejects.toThrow(/configure\(\{ baseURL, accessToken \}\)/);
      await expect(ours.envvars.list("proj_x", "dev")).rejects.toThrow(/configure\(\{ baseURL, accessToken \}\)/);
      // Outside a task there is no run to take the project and environment from.
      await expect(ours.envvars.list()).rejects.toThrow(/project ref and environment slug/);
    } finally {
      if (saved.url) process.env.TRIGGER_API_URL = saved.url;
      if (saved.key) process.env.TRIGGER_SECRET_KEY = saved.key;
    }
  });

  it("API error classes carry their HTTP status", () => {
    expect(new ours.NotFoundError("gone").status).toBe(404);
    expect(new ours.RateLimitError("slow down")).toBeInstanceOf(ours.ApiError);
  });

  it("createCache memoises by key", async () => {
    const cache = ours.createCache(new ours.InMemoryCache());
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cache("k", compute)).toBe(1);
    expect(await cache("k", compute)).toBe(1);
    expect(await cache("other", compute)).toBe(2);
  });
});
