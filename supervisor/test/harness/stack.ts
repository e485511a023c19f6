/**
 * The whole platform for supervisor tests: a real webapp (real PostgreSQL, first boot: the default worker group and
 * its token in the data folder) on the test run's Temporal, and supervisors started as the operator starts them — the
 * `stint-supervisor` command, a process of its own — whose output the test reads.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { WORKER_TOKEN_FILE, createEmptyDatabase, createWorkerGroup, startWebapp, type Webapp } from "@stint/dashboard";

const BIN = fileURLToPath(new URL("../../bin/stint-supervisor.mjs", import.meta.url));

export interface Stack {
  webapp: Webapp;
  dataDir: string;
  /** The default group's token, read from where first boot wrote it. */
  defaultToken: string;
  /** A worker group of this test file's own (its task queue is not shared with other test files). */
  group(name?: string): Promise<{ id: string; name: string; token: string }>;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), "stint-supervisor-stack-"));
  const webapp = await startWebapp({
    port: 0,
    databaseUrl: await createEmptyDatabase(inject("postgresAdminUrl"), "stint_supervisor_test"),
    dataDir,
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: `stint-engine-${randomUUID().slice(0, 8)}`,
    ui: false,
    github: null,
    log: () => undefined,
  });
  return {
    webapp,
    dataDir,
    defaultToken: readFileSync(join(dataDir, WORKER_TOKEN_FILE), "utf8").trim(),
    group: (name = `test-${randomUUID().slice(0, 8)}`) => createWorkerGroup(webapp.db, name),
    stop: () => webapp.stop(),
  };
}

export interface SupervisorProcess {
  child: ChildProcess;
  /** Every line it printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with its exit code. */
  exited: Promise<number | null>;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGKILL if it is still running. */
  kill(): void;
}

export function startSupervisor(args: string[], env: Record<string, string> = {}): SupervisorProcess {
  // The bin itself, as an operator runs it: its shebang's Node flags apply.
  const child = spawn(BIN, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let pending = "";
    stream.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split("\n");
      pending = parts.pop()!;
      lines.push(...parts);
      for (const waiter of waiters) waiter();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line) {
            cleanup();
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`the supervisor printed no line matching ${pattern} in ${timeoutMs} ms:\n${lines.join("\n")}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => setTimeout(check, 50));
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** The usual options for a supervisor of `stack` (its own data folder). */
export function supervisorArgs(
  stack: Stack,
  options: {
    token: string;
    name: string;
    executor?: "docker" | "process";
    capacity?: number;
    graceSeconds?: number;
    /** Warm runners per current deployment and machine; default 0 here (every execution starts its own). */
    warmPool?: number;
  },
): string[] {
  return [
    "--api-url",
    stack.webapp.url,
    "--token",
    options.token,
    "--name",
    options.name,
    "--executor",
    options.executor ?? "process",
    "--capacity",
    String(options.capacity ?? 2),
    "--data-dir",
    mkdtempSync(join(tmpdir(), `stint-supervisor-${options.name}-`)),
    "--grace-period",
    String(options.graceSeconds ?? 10),
    "--docker-socket",
    inject("dockerSocket"),
    "--runtime-image",
    inject("runtimeImage"),
    "--warm-pool",
    String(options.warmPool ?? 0),
  ];
}

const CLI = fileURLToPath(new URL("../../../cli/bin/stint.mjs", import.meta.url));
const DEPLOYED_PROJECT = fileURLToPath(new URL("../fixtures/deployed-project", import.meta.url));

/** `stint deploy` of test/fixtures/deployed-project with a deployed environment's key, as a user runs it; the version. */
/** `projectRef`: the project the key belongs to (stint deploy refuses a trigger.config.ts naming another). */
export async function deployProject(stack: Stack, secretKey: string, projectRef: string): Promise<string> {
  const project = join(mkdtempSync(join(tmpdir(), "stint-deployed-project-")), "project");
  cpSync(DEPLOYED_PROJECT, project, { recursive: true });
  const config = join(project, "trigger.config.ts");
  writeFileSync(config, readFileSync(config, "utf8").replace(/project:\s*"[^"]*"/, `project: "${projectRef}"`));
  const child = spawn(process.execPath, [CLI, "deploy"], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TRIGGER_API_URL: stack.webapp.url, TRIGGER_SECRET_KEY: secretKey },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const version = /Deployed version (\S+) to/.exec(output)?.[1];
  if (code !== 0 || !version) throw new Error(`stint deploy failed (${code}):\n${output}`);
  return version;
}
