/** toJsonSafe: how values JSON cannot carry are shown (logs, stream chunks, API answers). */
import { describe, expect, it } from "vitest";
import { stringifyJsonSafe, toJsonSafe } from "../src/core/json-safe.js";

describe("toJsonSafe", () => {
  it("shows BigInts as digits, Sets as arrays, Maps as objects, RegExps as text", () => {
    expect(
      toJsonSafe({
        big: 2n ** 64n,
        set: new Set([1, 2n]),
        map: new Map<unknown, unknown>([
          ["a", 1n],
          [2, "b"],
        ]),
        re: /x+/g,
      }),
    ).toEqual({
      big: "18446744073709551616",
      set: [1, "2"],
      map: { a: "1", "2": "b" },
      re: "/x+/g",
    });
  });

  it("marks a reference back to an enclosing object, and shows an object reached twice without a cycle in both places", () => {
    const shared = { x: 1 };
    const node: Record<string, unknown> = { name: "root", left: shared, right: shared };
    node.self = node;
    node.list = [node, shared];
    expect(toJsonSafe(node)).toEqual({
      name: "root",
      left: { x: 1 },
      right: { x: 1 },
      self: "[Circular]",
      list: ["[Circular]", { x: 1 }],
    });
  });

  it("keeps dates and plain values as JSON.stringify shows them", () => {
    const value = {
      at: new Date("2026-01-02T03:04:05Z"),
      n: 1,
      s: "s",
      b: true,
      nil: null,
      gone: undefined,
      nested: [[1]],
    };
    expect(stringifyJsonSafe(value)).toBe(JSON.stringify(value));
  });
});
