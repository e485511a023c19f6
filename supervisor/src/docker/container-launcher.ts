/**
 * The Docker executor's launcher: each runner in a hardened container of its own (see container-spec.ts), started for
 * one execution with the run's machine preset. The runner talks to this supervisor only, over a Unix socket in a
 * folder mounted into its container; what it prints goes to the run's logs. Stopping a runner kills its container; a
 * container the kernel killed for memory (OOMKilled, exit 137) ends its attempt with an OutOfMemoryError. A container
 * may also be started ahead of its execution (the warm pool, labelled dev.stint.warm): it loads the current version
 * and waits; the execution that takes it gets its output from then on.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import {
  RunnerSocket,
  runnerEntry,
  type RunnerExecution,
  type RunnerExit,
  type RunnerHandle,
  type RunnerLaunchSpec,
  type RunnerLauncher,
  type ToRunner,
} from "@stint/temporal-workers";
import type { RunLogLine } from "../worker-api.js";
import { machineFor, machinePreset } from "../machine-presets.js";
import type { EnvironmentContext } from "../worker-server-executor.js";
import { BUNDLE_IN_CONTAINER, WARM_LABEL, containerSpec } from "./container-spec.js";

const STDERR_TAIL_BYTES = 8_192;
const MAX_LOG_LINE = 16 * 1024;
/** How long the output of an exited container may take to arrive before it is removed. */
const OUTPUT_DRAIN_MS = 2_000;
/** What a warm container may print while loading before an execution takes it (kept for that run). */
const MAX_UNASSIGNED_LINES = 200;

export interface ContainerLauncherOptions {
  docker: Docker;
  image: string;
  supervisorName: string;
  /** Host folder under which each container gets the folder of its socket. */
  ipcRoot: string;
  environment: EnvironmentContext;
  /** The runner's entry file (default: the engine's, runnerEntry()). */
  runnerFile?: string;
  /** Where the lines the runner prints go: the run's logs. */
  logSink: (line: RunLogLine) => void;
}

export function containerLauncher(options: ContainerLauncherOptions): RunnerLauncher {
  const runnerFile = options.runnerFile ?? runnerEntry();
  return { launch: (spec) => new ContainerRunner(options, runnerFile, spec) };
}

class ContainerRunner implements RunnerHandle {
  readonly id: string;
  readonly exited: Promise<RunnerExit>;
  private readonly socket: RunnerSocket;
  private container: Docker.Container | undefined;
  private stoppedBy: string | undefined;
  private stderrTail = "";
  /** The execution it serves: given at launch, or when a warm container is taken. */
  private execution: RunnerExecution | undefined;
  /** Lines a warm container printed before an execution took it (loading its version): they go to that run. */
  private unassigned: { level: "log" | "error"; message: string; time: string }[] = [];

  constructor(
    private readonly options: ContainerLauncherOptions,
    runnerFile: string,
    private readonly spec: RunnerLaunchSpec,
  ) {
    this.execution = spec.execution;
    this.id = `stint-${options.supervisorName}-${randomBytes(6).toString("hex")}`;
    const ipcDir = join(options.ipcRoot, this.id);
    mkdirSync(ipcDir, { recursive: true, mode: 0o755 });
    const server = createServer();
    this.socket = new RunnerSocket(server);
    this.exited = this.run(server, ipcDir, runnerFile).finally(() => {
      this.socket.close();
      server.close();
      rmSync(ipcDir, { recursive: true, force: true });
    });
  }

  send(message: ToRunner): void {
    // The runner sees the bundle where it is mounted, not where this host keeps it.
    if (message.type === "load") {
      const dir = this.options.environment.versionDir(message.bundle.version);
      const inside = (path: string) =>
        path.startsWith(`${dir}/`) ? `${BUNDLE_IN_CONTAINER}/${path.slice(dir.length + 1)}` : path;
      message = {
        type: "load",
        bundle: {
          ...message.bundle,
          entries: message.bundle.entries.map((entry) => ({ ...entry, file: inside(entry.file) })),
          configFile: message.bundle.configFile && inside(message.bundle.configFile),
        },
      };
    }
    this.socket.send(message);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.socket.onMessage(listener);
  }

  assign(execution: RunnerExecution): void {
    this.execution = execution;
    for (const line of this.unassigned.splice(0)) this.ship(line.level, line.message, line.time);
  }

  stop(reason: string): void {
    this.stoppedBy ??= reason;
    void this.container?.kill({ signal: "SIGKILL" }).catch(() => undefined);
  }

  private async run(server: ReturnType<typeof createServer>, ipcDir: string, runnerFile: string): Promise<RunnerExit> {
    const { docker } = this.options;
    const execution = this.spec.execution;
    // A warm container is started for its pool's machine; the executions that take it are of that machine.
    const machine = execution ? machineFor(execution) : machinePreset(this.spec.machine);
    try {
      const socketPath = join(ipcDir, "runner.sock");
      await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, () => resolve()));
      // The container's user is not this process' (root or not): the socket must be connectable by it.
      chmodSync(socketPath, 0o666);
      const container = await docker.createContainer(
        containerSpec({
          name: this.id,
          image: this.options.image,
          supervisorName: this.options.supervisorName,
          machine,
          env: { ...this.options.environment.variables(), NODE_ENV: "production", STINT_MACHINE: machine.name },
          runnerFile,
          bundleDir: this.options.environment.versionDir(this.spec.bundle.version),
          ipcDir,
          network: this.options.environment.network(this.spec.bundle.version),
          labels: {
            "dev.stint.environment": this.options.environment.environmentId,
            "dev.stint.version": this.spec.bundle.version,
            ...(execution
              ? { "dev.stint.run": execution.info.runId, "dev.stint.attempt": String(execution.info.attemptNumber) }
              : { [WARM_LABEL]: "true" }),
          },
        }),
      );
      this.container = container;
      try {
        const stream = await container.attach({ stream: true, stdout: true, stderr: true });
        const streamEnded = new Promise<void>((resolve) => {
          stream.once("end", resolve);
          stream.once("close", resolve);
        });
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        docker.modem.demuxStream(stream, stdout, stderr);
        this.forwardLines(stdout, "log");
        this.forwardLines(stderr, "error");
        stderr.on(
          "data",
          (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES)),
        );
        if (this.stoppedBy) throw new Error(`stopped before it started (${this.stoppedBy})`);
        // Asked before the start ("not-running", the default, would answer at once for a created container).
        const waited = container.wait({ condition: "next-exit" });
        await container.start();
        if (this.stoppedBy) void container.kill({ signal: "SIGKILL" }).catch(() => undefined);
        await waited;
        const state = (await container.inspect()).State;
        // The last lines it printed (an onCancel's) may still be on their way: wait for the end of its output.
        await Promise.race([streamEnded, new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS))]);
        return this.exitOf(state.ExitCode, state.OOMKilled, machine);
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    } catch (error) {
      return {
        code: null,
        signal: null,
        stderrTail: `${this.stderrTail}${(error as Error).message}`,
        stoppedBy: this.stoppedBy ?? `its container could not run: ${(error as Error).message}`,
      };
    }
  }

  private exitOf(exitCode: number, oomKilled: boolean, machine: ReturnType<typeof machineFor>): RunnerExit {
    // 128 + n: killed by signal n (137: SIGKILL, which is what the kernel's OOM killer sends).
    const signal = exitCode > 128 ? (signalName(exitCode - 128) ?? null) : null;
    const outOfMemory =
      oomKilled || (exitCode === 137 && !this.stoppedBy)
        ? `The task's container ran out of memory (machine ${machine.name}: ${machine.memory} GB) and was killed. Give the task a larger machine (machine: "…" on the task or the trigger).`
        : undefined;
    return {
      code: signal ? null : exitCode,
      signal,
      stderrTail: this.stderrTail,
      stoppedBy: this.stoppedBy,
      outOfMemory,
    };
  }

  /** Each line the runner prints becomes a line of the run's logs (at `level`). */
  private forwardLines(stream: PassThrough, level: "log" | "error"): void {
    let pending = "";
    stream.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        const message = line.slice(0, MAX_LOG_LINE);
        const time = new Date().toISOString();
        if (this.execution) this.ship(level, message, time);
        else if (this.unassigned.length < MAX_UNASSIGNED_LINES) this.unassigned.push({ level, message, time });
      }
    });
  }

  private ship(level: "log" | "error", message: string, time: string): void {
    const execution = this.execution!;
    this.options.logSink({
      environmentId: this.options.environment.environmentId,
      runId: execution.info.runId,
      attempt: execution.info.attemptNumber,
      level,
      message,
      time,
    });
  }
}

function signalName(number: number): NodeJS.Signals | undefined {
  const names: Record<number, NodeJS.Signals> = {
    6: "SIGABRT",
    9: "SIGKILL",
    11: "SIGSEGV",
    15: "SIGTERM",
    2: "SIGINT",
  };
  return names[number];
}
