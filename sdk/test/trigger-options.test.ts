/** Trigger options are validated with messages that name the field and the fix. */
import { describe, expect, it } from "vitest";
import { toWireOptions } from "../src/tasks/trigger-options.js";

describe("trigger options", () => {
  it("turns valid options into their wire form", () => {
    const delay = new Date("2030-01-01T00:00:00Z");
    expect(
      toWireOptions({ tags: "one", queue: { name: "q" }, concurrencyKey: 7, delay, ttl: "1h", maxAttempts: 2 }),
    ).toEqual({
      tags: ["one"],
      queue: "q",
      concurrencyKey: "7",
      delay: "2030-01-01T00:00:00.000Z",
      ttl: "1h",
      maxAttempts: 2,
    });
  });

  it("names the field for each kind of bad option", () => {
    expect(() => toWireOptions({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })).toThrow(
      /options\.tags: at most 10 tags per run/,
    );
    expect(() => toWireOptions({ tags: ["x".repeat(128)] })).toThrow(
      /options\.tags: each tag must be under 128 characters/,
    );
    expect(() => toWireOptions({ maxDuration: 2 })).toThrow(
      /options\.maxDuration: maxDuration is in seconds and must be at least 5/,
    );
    expect(() => toWireOptions({ delay: "whenever" })).toThrow(/options\.delay/);
    expect(() => toWireOptions({ machine: "huge" as never })).toThrow(/options\.machine/);
  });
});
