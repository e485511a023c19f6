/**
 * What `stint dev` prints for failing runs, as `trigger dev` does: one line per failed attempt with its error message;
 * the task's own stack frames only the first time a task fails with that message (every time with --verbose); and one
 * "Stopping…" when Ctrl-C arrives twice (npx and npm run forward the terminal's SIGINT a second time).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { expect, inject, it } from "vitest";
import { DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
// One engine queue for the file: a task's queue gate lives on the queue of the session that first declared it.
const queue = `cli-output-${randomUUID().slice(0, 8)}`;

function failingProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "stint-dev-output-"));
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_output", maxDuration: 60, retries: { enabledInDev: true, default: { maxAttempts: 3, minTimeoutInMs: 50, maxTimeoutInMs: 50 } } });\n`,
  );
  writeFileSync(
    join(dir, "src/trigger/charge.ts"),
    [
      `import { task } from "@trigger.dev/sdk";`,
      `function callProvider(depth: number): never {`,
      `  if (depth === 0) throw new Error("card declined by the provider");`,
      `  return callProvider(depth - 1);`,
      `}`,
      `export const charge = task({ id: "charge", run: async () => callProvider(2) });`,
      ``,
    ].join("\n"),
  );
  return dir;
}

function startDev(cwd: string, extra: string[] = []): DevProcess {
  const { TRIGGER_API_URL: _url, TRIGGER_SECRET_KEY: _key, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      CLI,
      "dev",
      "--no-watch",
      "--temporal-address",
      inject("temporalAddress"),
      "--workflow-queue",
      queue,
      "--trigger",
      "charge",
      ...extra,
    ],
    {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...env, TEMPORAL_ADDRESS: "" },
    },
  );
  return new DevProcess(child);
}

const count = (text: string, pattern: RegExp) =>
  text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;

async function stop(dev: DevProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => dev.child.once("exit", resolve));
  dev.child.kill("SIGINT");
  dev.child.kill("SIGINT");
  return exited;
}

it(
  "prints one line per failed attempt and the task's stack once, then one line for the failed run",
  async () => {
    const dev = startDev(failingProject());
    await dev.waitFor(/run_\w+ FAILED: .*\n/, 0, 4 * 60_000);
    const out = dev.output;
    expect(count(out, /✖ failed: card declined by the provider/)).toBe(3);
    // The stack's user frames (callProvider three times, then run), once, right under the first failure.
    expect(count(out, /^ {6}at callProvider \(.*charge\.ts:\d+:\d+\)$/m)).toBe(3);
    expect(out).toMatch(/✖ failed: card declined by the provider.*attempt 1 .*\n {6}at callProvider/);
    // Stint's own frames are noise to the user.
    expect(out).not.toMatch(/execute-attempt|node:internal/);
    expect(out).toMatch(/run_\w+ FAILED: Error: card declined by the provider\n/);
    expect(await stop(dev)).toBe(0);
    expect(count(dev.output, /Stopping/)).toBe(1);
  },
  6 * 60_000,
);

it(
  "prints every failed attempt's stack with --verbose",
  async () => {
    const dev = startDev(failingProject(), ["--verbose"]);
    await dev.waitFor(/run_\w+ FAILED: .*\n/, 0, 4 * 60_000);
    expect(count(dev.output, /✖ failed: card declined by the provider/)).toBe(3);
    expect(count(dev.output, /^ {6}at callProvider \(.*charge\.ts:\d+:\d+\)$/m)).toBe(9);
    await stop(dev);
  },
  6 * 60_000,
);
