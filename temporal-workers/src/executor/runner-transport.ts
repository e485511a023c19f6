/**
 * How an executor reaches its runners, independent of where they run: a child process of this one (Node IPC), or
 * later a container or a process on a worker server. Messages are runner-protocol messages, in order.
 */
import type { AttemptStartInfo } from "../shared/run-types.js";
import type { FromRunner, ManifestTask, RunnerBundle, ToRunner } from "./runner-protocol.js";

export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of the runner's stderr: what a crash printed (V8's heap-limit message, a native stack). */
  stderrTail: string;
  /** Set when this side stopped the runner (cancel, timeout, done): not a crash. */
  stoppedBy?: string;
  /** Set when the runner's sandbox reports it ran out of memory (a container's OOMKilled): what to tell the user. */
  outOfMemory?: string;
}

/** The parent's end of one runner. */
export interface RunnerHandle {
  readonly id: string;
  /** Throws if the message cannot be carried (a value the transport cannot serialize). */
  send(message: ToRunner): void;
  /** Every message the runner sends, unvalidated. */
  onMessage(listener: (message: unknown) => void): void;
  /** Resolves once the runner is gone, however it ended. */
  readonly exited: Promise<RunnerExit>;
  /** Stops the runner at once (no grace): its code must not run one more instruction for the run. */
  stop(reason: string): void;
  /** A runner started ahead of time (warm) is taken by an execution: what it prints from now on belongs to that run. */
  assign?(execution: RunnerExecution): void;
}

/** The execution a runner serves. */
export interface RunnerExecution {
  info: AttemptStartInfo;
  task: ManifestTask;
}

/** What a runner is started for: the version it loads and, unless it is started ahead of time, the execution it runs. */
export interface RunnerLaunchSpec {
  bundle: RunnerBundle;
  /** The execution it is started for (absent for a runner kept warm ahead of one): its machine, labels, logs. */
  execution?: RunnerExecution;
  /** For a runner kept warm ahead of an execution: the machine preset it is kept for (executions of it take it). */
  machine?: string;
}

export interface RunnerLauncher {
  launch(spec: RunnerLaunchSpec): RunnerHandle;
}

/** The runner's end: how runner-main talks to its parent. */
export interface RunnerPort {
  send(message: FromRunner): void;
  onMessage(listener: (message: ToRunner) => void): void;
  /** Called when the parent is gone: the runner must exit (it would otherwise outlive its session). */
  onDisconnect(listener: () => void): void;
}
