/** Durations as Trigger.dev accepts them ("30s", "5m", "2h", "3d", "1w", seconds as numbers) and clear errors. */
import { describe, expect, it } from "vitest";
import { parseDurationMs, resolveDate, waitForDurationMs } from "../src/core/duration.js";

describe("durations", () => {
  it("parses units, combinations and plain seconds", () => {
    expect(parseDurationMs("30s")).toBe(30_000);
    expect(parseDurationMs("5m")).toBe(300_000);
    expect(parseDurationMs("2h")).toBe(7_200_000);
    expect(parseDurationMs("3d")).toBe(259_200_000);
    expect(parseDurationMs("1w")).toBe(604_800_000);
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs(90)).toBe(90_000);
    expect(parseDurationMs("15")).toBe(15_000);
  });

  it("names the field and the accepted forms on bad input", () => {
    expect(() => parseDurationMs("soon", "ttl")).toThrow(
      /ttl: "soon" is not a duration; use a number of seconds or text like "30s"/,
    );
    expect(() => parseDurationMs("5 minutes", "delay")).toThrow(/^delay:/);
    expect(() => parseDurationMs(-1, "ttl")).toThrow(/ttl: expected a non-negative number of seconds/);
  });

  it("resolves delays to dates: durations from now, ISO strings and Dates as given", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(resolveDate("1h", "delay", now).toISOString()).toBe("2026-01-01T01:00:00.000Z");
    expect(resolveDate("2026-02-03T04:05:06Z").toISOString()).toBe("2026-02-03T04:05:06.000Z");
    const date = new Date(now);
    expect(resolveDate(date)).toBe(date);
    expect(() => resolveDate(new Date("nope"))).toThrow(/delay: invalid Date/);
  });

  it("adds up wait.for fields", () => {
    expect(waitForDurationMs({ minutes: 1, seconds: 30 })).toBe(90_000);
    expect(waitForDurationMs({ days: 1, hours: 1 })).toBe(90_000_000);
    expect(() => waitForDurationMs({ seconds: -5 })).toThrow(/wait\.for: expected a non-negative duration/);
  });
});
