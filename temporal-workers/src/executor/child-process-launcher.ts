/**
 * Runners as child processes of this one, over Node IPC with structured-clone serialization (Dates, Maps, BigInts
 * and cycles survive, as they do in Temporal payloads through the superjson converter).
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runnerScript } from "./runner-script.js";
import type { RunnerExit, RunnerHandle, RunnerLauncher } from "./runner-transport.js";

const STDERR_TAIL_BYTES = 8_192;
/** Name of the runner a packaged build (the `stint` CLI's dist/) ships as JavaScript beside its bundled engine code. */
export const PREBUILT_RUNNER_MAIN = "runner-main.js";

/**
 * The runner's entry file: the one a packaged build ships, else one bundled from the sources (plain JavaScript either
 * way). A launcher of its own (another user, a sandbox) starts this file with an IPC channel.
 */
export function runnerEntry(): string {
  const built = fileURLToPath(new URL(`./${PREBUILT_RUNNER_MAIN}`, import.meta.url));
  return existsSync(built) ? built : runnerScript();
}

export interface ChildProcessLauncherOptions {
  /** Working directory of task code (the project folder). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra Node flags, e.g. `--max-old-space-size=512` to give task code a heap limit. */
  execArgv?: string[];
  /** Where the runner's stdout goes (task code's console.log): the session's terminal by default. */
  stdout?: "inherit" | "ignore";
  /** Whether the runner's stderr is copied to this process' (it is always kept to explain a crash). */
  forwardStderr?: boolean;
}

export function childProcessLauncher(options: ChildProcessLauncherOptions = {}): RunnerLauncher {
  const runner = runnerEntry();
  return {
    launch(): RunnerHandle {
      const child = fork(runner, [], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        // Source maps: a task's stack trace names its own files (bundles carry inline maps).
        execArgv: ["--enable-source-maps", ...(options.execArgv ?? [])],
        serialization: "advanced",
        stdio: ["ignore", options.stdout ?? "inherit", "pipe", "ipc"],
      });
      let stderrTail = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        if (options.forwardStderr !== false) process.stderr.write(chunk);
        stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
      });
      let stoppedBy: string | undefined;
      const exited = new Promise<RunnerExit>((resolve) => {
        const done = (code: number | null, signal: NodeJS.Signals | null) =>
          resolve({ code, signal, stderrTail, stoppedBy });
        child.once("exit", (code, signal) => {
          // Give the stderr pipe a moment to deliver a crash's last words (V8 prints them as it dies).
          if (child.stderr!.readableEnded) done(code, signal);
          else {
            const timer = setTimeout(() => done(code, signal), 200);
            child.stderr!.once("end", () => {
              clearTimeout(timer);
              done(code, signal);
            });
          }
        });
        child.once("error", () =>
          resolve({ code: null, signal: null, stderrTail, stoppedBy: stoppedBy ?? "spawn error" }),
        );
      });
      return {
        id: `pid ${child.pid}`,
        send(message) {
          if (!child.connected) throw new Error("the runner process is gone");
          child.send(message);
        },
        onMessage(listener) {
          child.on("message", listener);
        },
        exited,
        stop(reason) {
          stoppedBy ??= reason;
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
      };
    },
  };
}
