/**
 * `stint dev --warm-runners <n>`: how many runner processes the session keeps started with the current version, so an
 * attempt does not wait for Node. By default one; `npm start` runs the example with 0 (its runner cost ~90 MB idle),
 * whose attempts then start a runner each and leave none behind. A value out of range is refused, naming the flag.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startStandaloneDev, type DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const sessions: DevProcess[] = [];

function project(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "stint-warm-")), "project");
  cpSync(join(import.meta.dirname, "fixtures/dev-project"), dir, { recursive: true });
  return dir;
}

function start(extra: string[]): DevProcess {
  const queue = `warm-${randomUUID().slice(0, 8)}`;
  const dev = startStandaloneDev(project(), {
    cli: CLI,
    temporalAddress: address,
    workflowQueue: queue,
    attemptQueue: queue,
    extra,
  });
  sessions.push(dev);
  return dev;
}

/** The session's runner processes (children running the runner script). */
function runnersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (/stint-runner\/runner-|runner-main\.js/.test(args) && !/\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

afterAll(() => {
  for (const dev of sessions) dev.child.kill("SIGTERM");
});

describe("stint dev --warm-runners", () => {
  const trigger = ["--trigger", "greet", "--payload", '{"name":"ada"}'];

  it("keeps one runner started by default, none with 0", { timeout: 300_000 }, async () => {
    const warm = start(trigger);
    const cold = start(["--warm-runners", "0", ...trigger]);
    for (const dev of [warm, cold]) await dev.waitFor(/✔ completed greet/, 0, 240_000);
    // The default session refills its pool after the run; the other keeps none once its run's runner is gone.
    await expect.poll(() => runnersOf(warm.child.pid!).length, { timeout: 60_000, interval: 200 }).toBe(1);
    await expect.poll(() => runnersOf(cold.child.pid!).length, { timeout: 60_000, interval: 200 }).toBe(0);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(runnersOf(cold.child.pid!)).toEqual([]);
    expect(runnersOf(warm.child.pid!)).toHaveLength(1);
  });

  it("refuses a count out of range, naming the flag", async () => {
    const dev = start(["--warm-runners", "nine"]);
    const code = await new Promise((r) => dev.child.once("exit", r));
    expect(code).toBe(1);
    expect(dev.output).toContain("--warm-runners: a whole number from 0 to 8");
  });
});
