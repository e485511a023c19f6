/**
 * kill -9 of the worker process executing a run, then a new worker: the run completes, and completed waitpoints
 * (a child run, a timer) are answered from the run's journal instead of being redone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient } from "../src/client/engine-client.js";
import { stintDataConverter } from "../src/shared/data-converter.js";

const address = inject("temporalAddress");
const suffix = randomUUID().slice(0, 8);
const queues = { workflowTaskQueue: `crash-engine-${suffix}`, attemptQueue: `crash-attempts-${suffix}` };
const markerFile = join(mkdtempSync(join(tmpdir(), "stint-crash-")), "markers.log");
const children: ChildProcess[] = [];

function startWorker(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/fixtures/crash-worker.ts", address, queues.workflowTaskQueue, queues.attemptQueue],
    {
      cwd: join(import.meta.dirname, ".."),
      env: { ...process.env, STINT_MARKER_FILE: markerFile },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited early with code ${code}`)));
  });
}

const markers = () =>
  readFileSync(markerFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [step, pid, at] = line.split(" ");
      return { step: step!, pid: Number(pid), at: Number(at) };
    });

async function until<T>(fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = fn();
      if (value) return value;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

describe("crash recovery", () => {
  it("a run survives kill -9 of its worker; the child run and the timer are not redone", async () => {
    const connection = await Connection.connect({ address });
    const engine = new StintEngineClient({
      client: new Client({ connection, dataConverter: stintDataConverter }),
      ...queues,
      environment: { id: "env_crash", slug: `crash-${suffix}`, type: "DEVELOPMENT", projectRef: "proj_test" },
      settings: { heartbeatTimeoutMs: 3_000 },
    });
    const first = await startWorker();
    const handle = await engine.trigger({ task: "crash-parent", payload: null });
    await until(() => markers().some((m) => m.step === "after-wait"));
    first.kill("SIGKILL");
    const killedAt = Date.now();

    const restartedAt = Date.now();
    const second = await startWorker();
    let final;
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      final = await engine.runState(handle.id).catch(() => undefined);
      if (final?.status === "COMPLETED" || final?.status === "FAILED" || final?.status === "CRASHED") break;
    }
    expect(final?.status).toBe("COMPLETED");
    const all = markers();
    // One child run: the replay got it from the journal instead of triggering another. (Under heavy load Temporal may
    // deliver the child's attempt twice after a missed heartbeat — at-least-once, the same run — so count run ids.)
    const childRunIds = [
      ...new Set(all.filter((m) => m.step.startsWith("child:")).map((m) => m.step.slice("child:".length))),
    ];
    // The markers in the failure message say which process ran what, and when.
    expect(childRunIds, JSON.stringify(all)).toHaveLength(1);
    expect(final!.output).toEqual({ child: childRunIds[0] });
    // The replay in the new process ran run() from the top, but got the child and the 3 s timer from the journal.
    const replayed = all.filter((m) => m.pid === second.pid);
    expect(
      replayed.map((m) => m.step),
      JSON.stringify(all),
    ).toEqual(["start", "after-child", "after-wait", "done"]);
    // The 3 s timer was not waited again: the replay passed it in well under its duration.
    expect(replayed[2]!.at - replayed[1]!.at).toBeLessThan(1_000);
    expect(replayed[0]!.at - restartedAt).toBeLessThan(30_000);
    // Both waitpoints were recorded before the crash, and only once.
    expect(final!.journal.map((e) => e.type)).toEqual(["triggerAndWait", "duration"]);
    for (const entry of final!.journal) expect(Date.parse(entry.completedAt!)).toBeLessThan(killedAt);
    expect(final!.attempts).toHaveLength(1);
    expect(final!.attempts[0]!.executions).toBe(2);
    await connection.close();
  });
});
