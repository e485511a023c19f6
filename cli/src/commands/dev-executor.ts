/**
 * The dev session's executor: each attempt runs in a runner process of the project's bundle version (the run's own
 * once it has one), printed the way `trigger dev` prints attempts and log lines. The first time a task's run
 * suspends, it says what will re-run when the run resumes.
 */
import {
  BundleStore,
  RunnerExecutor,
  childProcessLauncher,
  type AttemptExecutor,
  type AttemptJob,
  type BundleManifest,
  type LogSink,
  type RunLogEntry,
  type RunnerBundle,
} from "@stint/temporal-workers";
import type { AttemptPrinter } from "./attempt-printer.js";

const time = () => new Date().toISOString().slice(11, 19);

export class DevExecutor implements AttemptExecutor {
  private readonly runners: RunnerExecutor;
  private forward: LogSink | undefined;
  private readonly suspendedTasks = new Set<string>();

  constructor(
    private readonly options: { projectDir: string; store: BundleStore; printer: AttemptPrinter; warmRunners?: number },
  ) {
    this.runners = new RunnerExecutor({
      launcher: childProcessLauncher({ cwd: options.projectDir }),
      poolSize: options.warmRunners,
      // A project with `processKeepAlive` in its config runs executions one after another in the same runner.
      keepAlive: true,
      // Versions built before (by this session or an earlier one): runs locked to them resume on their own code.
      store: options.store,
      logSink: (entry) => this.log(entry),
      onNotice: (message) => options.printer.note(`[${time()}] ${message}`),
    });
  }

  /** Log lines also go to `sink` (a webapp session ships them to the dashboard). */
  shipLogsTo(sink: LogSink): void {
    this.forward = sink;
  }

  /** Loads a build in a runner (its tasks, queues, schedules) and makes it the version new runs start on. */
  activate(bundle: RunnerBundle): Promise<BundleManifest> {
    return this.runners.activate(bundle);
  }

  hasTask(taskId: string, version?: string): boolean {
    return this.runners.hasTask(taskId, version);
  }

  declaredQueues(version?: string): ReturnType<AttemptExecutor["declaredQueues"]> {
    return this.runners.declaredQueues(version);
  }

  versionFor(info: AttemptJob["info"]): string | undefined {
    return this.runners.versionFor(info);
  }

  async execute(job: AttemptJob): ReturnType<AttemptExecutor["execute"]> {
    const { info } = job;
    const version = this.runners.versionFor(info);
    const current = this.runners.currentVersion?.version;
    this.options.printer.started(
      info,
      version && version !== current ? ` on version ${version}, the one it started on` : "",
    );
    const result = await this.runners.execute(job).catch((error: Error) => {
      this.options.printer.stopped(info, error);
      throw error;
    });
    this.options.printer.finished(info, result);
    if (result.kind === "suspended" && !this.suspendedTasks.has(info.item.task)) {
      this.suspendedTasks.add(info.item.task);
      this.options.printer.note(suspensionNotice(info.item.task, result.seq));
    }
    return result;
  }

  close(): void {
    void this.runners.close();
  }

  private log(entry: RunLogEntry): void {
    this.options.printer.logLine(entry);
    this.forward?.(entry);
  }
}

/** Printed once per task: Stint replays run() after a suspension where Trigger.dev restores a process snapshot. */
export function suspensionNotice(taskId: string, seq: number): string {
  return [
    `         ⓘ ${taskId} suspended: its wait outlasted the checkpoint threshold, so no process is held while it waits.`,
    `           When the run resumes, run() starts again from the top: init, middleware and the code before waitpoint #${seq}`,
    `           re-run, and completed waits and child runs return their results at once (docs/replay-contract.md).`,
    `           To keep the process alive instead: checkpointThreshold: "never" on the task or in trigger.config.ts.`,
    `           (Shown once per task.)`,
  ].join("\n");
}
