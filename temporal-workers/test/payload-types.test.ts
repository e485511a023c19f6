/**
 * Payload types, as Trigger.dev's superjson packets carry them: a Date, Map, Set or BigInt in a payload arrives in
 * the task as itself, and comes back as itself in a parent's triggerAndWait result and in the run's output. Plain
 * JSON stays plain in Temporal's history (readable in its Web UI).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { str } from "@temporalio/common";
import { task } from "@stint/sdk";
import type { RunnerExecutor } from "../src/index.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { buildFixture, fixture, startRunnerExecutor } from "./harness/runner-executor.js";

interface Rich {
  at: Date;
  seen: Set<string>;
  counts: Map<string, number>;
  big: bigint;
}

const describeRich = task({
  id: "payload-types-child",
  run: async (payload: Rich) => ({
    types: [payload.at instanceof Date, payload.seen instanceof Set, payload.counts instanceof Map, typeof payload.big],
    nextDay: new Date(payload.at.getTime() + 86_400_000),
    big: payload.big * 2n,
  }),
});

const parent = task({
  id: "payload-types-parent",
  run: async (payload: { at: Date }) => {
    const result = await describeRich.triggerAndWait({
      at: payload.at,
      seen: new Set(["a"]),
      counts: new Map([["a", 1]]),
      big: 21n,
    });
    if (!result.ok) throw result.error;
    return {
      childNextDayIsDate: result.output.nextDay instanceof Date,
      nextDay: result.output.nextDay.toISOString(),
      big: result.output.big.toString(),
    };
  },
});

/** Circular references, as Trigger.dev's superjson carries them: the task sees the cycle, and its output keeps one. */
const circular = task({
  id: "payload-types-circular",
  run: async (payload: { name: string; self?: unknown }) => {
    const back: { name: string; self?: unknown } = { name: payload.name };
    back.self = back;
    return { sawCycle: payload.self === payload, back };
  },
});

const plain = task({ id: "payload-types-plain", run: async (payload: { n: number }) => payload.n + 1 });

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

/** The encoding of the run workflow's input payload in its history. */
async function inputEncoding(runId: string): Promise<string> {
  const history = await t.client.workflow.getHandle(runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return str(started!.input!.payloads![0]!.metadata!.encoding!);
}

describe("payload types", () => {
  it("a Date, Set, Map and BigInt reach the task as themselves, and its output keeps them", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const handle = await describeRich.trigger({
      at,
      seen: new Set(["x", "y"]),
      counts: new Map([["x", 2]]),
      big: 2n ** 70n,
    });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    const output = state.output as { types: unknown[]; nextDay: Date; big: bigint };
    expect(output.types).toEqual([true, true, true, "bigint"]);
    expect(output.nextDay).toBeInstanceOf(Date);
    expect(output.nextDay.toISOString()).toBe("2026-01-03T03:04:05.678Z");
    expect(output.big).toBe(2n ** 71n);
    expect(await inputEncoding(handle.id)).toBe("json/superjson");
  });

  it("a parent's triggerAndWait result carries the child's Date", async () => {
    const handle = await parent.trigger({ at: new Date("2026-06-30T12:00:00.000Z") });
    const state = await t.waitForRun(handle.id);
    expect(state.status).toBe("COMPLETED");
    expect(state.output).toEqual({ childNextDayIsDate: true, nextDay: "2026-07-01T12:00:00.000Z", big: "42" });
  });

  it("a payload with a circular reference reaches the task with its cycle, and an output keeps its own", async () => {
    const payload: { name: string; self?: unknown } = { name: "loop" };
    payload.self = payload;
    const handle = await circular.trigger(payload);
    const state = await t.waitForRun(handle.id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    const output = state.output as { sawCycle: boolean; back: { name: string; self: unknown } };
    expect(output.sawCycle).toBe(true);
    expect(output.back.self).toBe(output.back);
  });

  it("plain JSON payloads stay json/plain in Temporal's history", async () => {
    const handle = await plain.trigger({ n: 1 });
    expect((await t.waitForRun(handle.id)).output).toBe(2);
    expect(await inputEncoding(handle.id)).toBe("json/plain");
  });
});

describe("payload types in runner processes (the executor of stint dev)", () => {
  let onRunners: TestEngine;
  let executor: RunnerExecutor;
  beforeAll(async () => {
    executor = await startRunnerExecutor({
      bundle: buildFixture(fixture("payload-types-tasks.ts"), "pt-1"),
      launch: { stdout: "ignore" },
    });
    onRunners = await startTestEngine({}, { executor });
  });
  afterAll(async () => {
    await onRunners?.stop();
    await executor?.close();
  });

  it("an output holding functions completes with them left out, as Trigger.dev's superjson does, and keeps its Date", async () => {
    const handle = await onRunners.engine.trigger({ task: "payload-types-output-with-functions", payload: {} });
    const state = await onRunners.waitForRun(handle.id, undefined, 90_000);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    expect(state.output).toEqual({ kept: 1, at: new Date("2026-02-03T04:05:06.000Z"), nested: { n: 2 } });
  });
});
