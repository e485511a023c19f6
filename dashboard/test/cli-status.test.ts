/**
 * `stint status` for a live `stint dev` session, in both modes: it names the task queues the session really polls
 * (a webapp session polls its one attempt queue; standalone, the engine's queue), counts their pollers and
 * checks the session's own are among them; a stopped session is reported as such.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
const FIXTURE = join(import.meta.dirname, "../../cli/test/fixtures/dev-project");
const exec = promisify(execFile);
let t: TestWebapp;
const sessions: DevProcess[] = [];

function copyFixture(projectRef?: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "stint-status-")), "project");
  cpSync(FIXTURE, dir, { recursive: true });
  // A session joins the project its config names: the test webapp's project.
  if (projectRef)
    writeFileSync(
      join(dir, "trigger.config.ts"),
      `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${projectRef}", maxDuration: 60 });\n`,
    );
  return dir;
}

function startDev(cwd: string, args: string[], env: Record<string, string>): DevProcess {
  const { TEMPORAL_ADDRESS: _address, TRIGGER_API_URL: _url, TRIGGER_SECRET_KEY: _key, ...inherited } = process.env;
  const session = new DevProcess(
    spawn(process.execPath, [CLI, "dev", "--no-watch", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...inherited, ...env },
    }),
  );
  sessions.push(session);
  return session;
}

/** `stint status` in the project: its exit code and output (it exits 1 when something is wrong). */
async function status(cwd: string): Promise<{ code: number; out: string }> {
  try {
    return { code: 0, out: (await exec(process.execPath, [CLI, "status"], { cwd })).stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

/** Temporal lists a poller once it has polled: ask again until it shows (or the deadline passes). */
async function statusOnceAllPolled(cwd: string): Promise<{ code: number; out: string }> {
  let last = await status(cwd);
  for (const deadline = Date.now() + 60_000; last.code !== 0 && Date.now() < deadline; last = await status(cwd)) {
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return last;
}

async function stop(session: DevProcess): Promise<void> {
  const exited = new Promise((resolve) => session.child.once("exit", resolve));
  session.child.kill("SIGTERM");
  await exited;
}

beforeAll(async () => {
  t = await startTestWebapp();
});

afterAll(async () => {
  for (const session of sessions) session.child.kill("SIGKILL");
  await t?.stop();
});

describe("stint status", () => {
  it("webapp mode: the session's attempt queue, with this session polling", async () => {
    const project = copyFixture(t.project.ref);
    const session = startDev(project, [], { TRIGGER_API_URL: t.webapp.url, TRIGGER_SECRET_KEY: t.dev.secretKey });
    await session.waitFor("Registered tasks: greet, shout");
    const sessionId = /Dev session: (\w+)/.exec(session.output)![1];

    const { code, out } = await statusOnceAllPolled(project);
    expect(out).toContain(`Mode:      session ${sessionId} of the webapp at ${t.webapp.url}`);
    expect(out).toContain("Tasks:     greet, shout");
    expect(out).toMatch(new RegExp(`Queue:\\s+dev-session\\.${sessionId} \\(attempts\\) — [1-9]\\d* poller\\(s\\)\\n`));
    expect(out).not.toContain("none from this session");
    expect(code).toBe(0);

    await stop(session);
    const after = await status(project);
    expect(after.out).toMatch(/Process:\s+\d+ not running/);
    expect(after.code).toBe(1);
  });

  it("standalone: the engine's queue for workflows and for attempts, each with this session polling", async () => {
    const project = copyFixture();
    const queue = `status-${randomUUID().slice(0, 8)}`;
    const session = startDev(project, ["--temporal-address", inject("temporalAddress"), "--workflow-queue", queue], {});
    await session.waitFor("Registered tasks: greet, shout");

    const { code, out } = await statusOnceAllPolled(project);
    expect(out).toContain("Mode:      standalone");
    expect(out).toMatch(new RegExp(`Queue:\\s+${queue} \\(workflows\\) — [1-9]\\d* poller\\(s\\)\\n`));
    expect(out).toMatch(new RegExp(`Queue:\\s+${queue} \\(attempts\\) — [1-9]\\d* poller\\(s\\)\\n`));
    expect(code).toBe(0);
    await stop(session);
  });
});
