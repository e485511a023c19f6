/**
 * A queue's limit holds for runs triggered through the API before `stint dev` had declared the queue (the fault
 * campaign saw two of three runs of a `queue({ concurrencyLimit: 1 })` task overlap when they were triggered right
 * after `stint dev` started), and across a restart of the session. Driven with the real `stint dev` and the real
 * @trigger.dev/sdk client; each execution writes its start and end to a marker file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import type { DevProcess } from "@stint/cli/testing";
import { startDevSession } from "./harness/dev-session.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const project = mkdtempSync(join(tmpdir(), "stint-queue-declaration-"));
const markerFile = join(project, "markers.log");
let t: TestWebapp;
const sessions: DevProcess[] = [];
const killedAt = new Map<number, number>();

/** The session joins the project its config names: the test webapp's. */
function writeProject(): void {
  mkdirSync(join(project, "src/trigger"), { recursive: true });
  writeFileSync(
    join(project, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${t.project.ref}", maxDuration: 120 });\n`,
  );
  writeFileSync(
    join(project, "src/trigger/limited.ts"),
    `import { appendFileSync } from "node:fs";
import { queue, task } from "@trigger.dev/sdk";
const mark = (step: string, queueName: string, runId: string) => appendFileSync(process.env.STINT_MARKER_FILE!, step + " " + queueName + " " + runId + " " + process.pid + " " + Date.now() + "\\n");
async function occupy(queueName: string, runId: string, ms: number) {
  mark("start", queueName, runId);
  await new Promise((resolve) => setTimeout(resolve, ms));
  mark("end", queueName, runId);
}
export const oneAtATime = queue({ name: "qbd-one-at-a-time", concurrencyLimit: 1 });
export const shared = task({ id: "qbd-shared", queue: oneAtATime, run: async (p: { ms?: number }, { ctx }) => occupy("qbd-one-at-a-time", ctx.run.id, p.ms ?? 1000) });
export const own = task({ id: "qbd-own", queue: { concurrencyLimit: 1 }, run: async (p: { ms?: number }, { ctx }) => occupy("task/qbd-own", ctx.run.id, p.ms ?? 1000) });
`,
  );
}

async function startSession(): Promise<DevProcess> {
  const session = await startDevSession(t, project, {
    readyLine: "Registered tasks: qbd-own, qbd-shared",
    env: { STINT_MARKER_FILE: markerFile },
  });
  sessions.push(session);
  return session;
}

/** Each execution's [start, end] and the process it ran in: an execution whose session was killed ended then. */
function intervals(runIds: string[]) {
  const lines = existsSync(markerFile) ? readFileSync(markerFile, "utf8").trim().split("\n").filter(Boolean) : [];
  const marks = lines.map((line) => {
    const [step, queue, runId, pid, at] = line.split(" ");
    return { step: step!, queue: queue!, runId: runId!, pid: Number(pid), at: Number(at) };
  });
  return marks
    .filter((m) => m.step === "start" && runIds.includes(m.runId))
    .map((start) => {
      const end = marks.find(
        (m) => m.step === "end" && m.runId === start.runId && m.pid === start.pid && m.at >= start.at,
      );
      return {
        queue: start.queue,
        runId: start.runId,
        pid: start.pid,
        start: start.at,
        end: end?.at ?? killedAt.get(start.pid) ?? Number.POSITIVE_INFINITY,
      };
    });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function overlaps(runIds: string[]): string[] {
  const all = intervals(runIds);
  const found: string[] = [];
  for (const a of all)
    for (const b of all)
      if (a !== b && a.queue === b.queue && a.start < b.start && b.start < a.end)
        found.push(`${a.queue}: ${b.runId} started while ${a.runId} ran`);
  return found;
}

async function finalStatuses(runIds: string[]): Promise<string[]> {
  const statuses: string[] = [];
  for (const runId of runIds) {
    for (const deadline = Date.now() + 240_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const run = await runs.retrieve(runId);
      if (run.isCompleted) {
        statuses.push(run.status);
        break;
      }
      if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${run.status}`);
    }
  }
  return statuses;
}

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  writeProject();
});
afterAll(async () => {
  for (const session of sessions) session.child.kill("SIGKILL");
  await t?.stop();
});

describe("queue limits and stint dev", () => {
  it("runs triggered through the API before stint dev declared the queue run one at a time", {
    timeout: 600_000,
  }, async () => {
    // Nothing is declared yet: the webapp has never seen these tasks or their queues.
    const handles = await Promise.all(
      ["qbd-shared", "qbd-shared", "qbd-shared", "qbd-own", "qbd-own", "qbd-own"].map((task) =>
        tasks.trigger(task, {}),
      ),
    );
    const runIds = handles.map((h) => h.id);
    await startSession();
    expect(await finalStatuses(runIds)).toEqual(runIds.map(() => "COMPLETED"));
    expect(intervals(runIds)).toHaveLength(6);
    expect(overlaps(runIds)).toEqual([]);
  });

  it("a session killed mid-run and started again: the limit holds across the restart", {
    timeout: 600_000,
  }, async () => {
    const session = sessions.at(-1)!;
    const runIds = (await Promise.all(Array.from({ length: 3 }, () => tasks.trigger("qbd-shared", { ms: 3_000 })))).map(
      (h) => h.id,
    );
    for (
      const deadline = Date.now() + 120_000;
      intervals(runIds).length === 0;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      if (Date.now() > deadline) throw new Error("no run started");
    }
    const open = intervals(runIds).filter((i) => i.end === Number.POSITIVE_INFINITY);
    session.child.kill("SIGKILL");
    // Executions run in runner processes of the session: an open one ended when its process was seen gone.
    for (const { pid } of open) {
      for (const deadline = Date.now() + 30_000; isAlive(pid); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error(`runner ${pid} outlived its session`);
      }
      killedAt.set(pid, Date.now());
    }
    await startSession();
    expect(await finalStatuses(runIds)).toEqual(runIds.map(() => "COMPLETED"));
    expect(overlaps(runIds)).toEqual([]);
  });
});
