/**
 * Executes each attempt execution in a runner process of its own (as Trigger.dev's dev CLI does): a cancel, the
 * end of maxDuration or a newer execution of the same run stops the process, so the code stops too; a process that
 * crashes (process.exit, a segfault, out of memory) fails that attempt and nothing else. Runs are locked to the
 * bundle version their first execution ran: a resume or a retry runs the same code even after the project changed.
 *
 * Where runners live is the launcher's business (child processes for `stint dev`; containers later), where versions
 * are kept the store's, and who answers task code's management calls the client runtime's: the supervisor's
 * executors reuse this class with their own.
 */
import {
  MaxDurationExceededError,
  retryDelayMs,
  sdkGlobals,
  serializeError,
  type ApiRelayResponse,
  type ClientRuntime,
  type DeclaredQueue,
  type SerializedError,
} from "@stint/sdk/runtime";
import type { AttemptActivityResult, AttemptStartInfo } from "../shared/run-types.js";
import type { AttemptChannel, LogSink } from "./attempt-channel.js";
import { ComputeClock, clockedChannel } from "./compute-clock.js";
import { FAILURE_TYPES, isTemporalUnreachableError } from "../errors.js";
import type { AttemptExecutor, AttemptJob } from "./executor.js";
import type { BundleStore } from "./bundle-store.js";
import {
  apiRelayRequestSchema,
  type ApiRelayCall,
  type BundleManifest,
  type FromRunner,
  type ManifestTask,
  type RunnerBundle,
} from "./runner-protocol.js";
import { RunnerPool, type Runner } from "./runner-pool.js";
import type { RunnerExecution, RunnerExit, RunnerLauncher } from "./runner-transport.js";

/** The runner's own clock ends a run at its maxDuration; this side steps in only if the runner cannot (a busy loop). */
const MAX_DURATION_BACKSTOP_MS = 2_000;
const DEFAULT_CANCEL_GRACE_MS = 5_000;
/** How often executions mark their version as used on disk (versions are kept for weeks without use). */
const EXECUTION_TOUCH_INTERVAL_MS = 60_000;

export interface RunnerExecutorOptions {
  launcher: RunnerLauncher;
  /**
   * Runners kept started (bundle loaded) for the current version, so an attempt starts without waiting for Node: this
   * many per machine preset kept warm (see keepWarm).
   */
  poolSize?: number;
  /**
   * Honour the project's `processKeepAlive`: a runner whose execution ended cleanly (a result, not a cancel, a
   * timeout or a crash) serves the next executions of its version. Off: every execution gets a process of its own.
   */
  keepAlive?: boolean;
  /** The machine preset an execution runs on, for launchers whose runners have one (containers): it takes a warm runner of that machine only. */
  machineOf?: (execution: RunnerExecution) => string | undefined;
  logSink?: LogSink;
  /** Lines for the session's terminal (a run whose version is gone runs on the current one, …). */
  onNotice?: (message: string) => void;
  /** How long onCancel hooks may run after a cancel before the process is stopped. */
  cancelGraceMs?: number;
  /**
   * Versions kept across restarts: those in it are available at once to the runs locked to them, activated ones are
   * added, and each use counts as one (see BundleStore.prune).
   */
  store?: BundleStore;
  /**
   * Answers task code's management calls (`runs.retrieve`, `tasks.trigger`, …), e.g. an engine client of the
   * environment the runs belong to. Default: this process' SDK client runtime, when it has one.
   */
  clientRuntime?: ClientRuntime;
  /**
   * Sends task code's REST API requests (`runs.retrieve`, `wait.createToken`, … through the SDK's REST client) to the
   * webapp for the execution's run: a worker server's runners have no network and no key of their own.
   */
  apiRelay?: (info: AttemptStartInfo, request: ApiRelayCall) => Promise<ApiRelayResponse>;
}

interface KnownVersion {
  bundle: RunnerBundle;
  manifest: BundleManifest;
}

export class RunnerExecutor implements AttemptExecutor {
  private readonly versions = new Map<string, KnownVersion>();
  private current: KnownVersion | undefined;
  private readonly pool: RunnerPool;
  /** The execution running per run id: a newer execution of the same run stops an older one still here. */
  private readonly live = new Map<string, { token: string; stop: (reason: string) => void }>();

  constructor(private readonly options: RunnerExecutorOptions) {
    this.pool = new RunnerPool(options.launcher, options.poolSize ?? 1);
    for (const { bundle, manifest } of options.store?.list() ?? []) this.addVersion(bundle, manifest);
  }

  get currentVersion(): BundleManifest | undefined {
    return this.current?.manifest;
  }

  /**
   * Loads `bundle` in a runner and makes it the version new runs start on. Rejects (and keeps the previous version
   * current) if the bundle fails to load: a task file that throws at import, for one.
   */
  async activate(bundle: RunnerBundle): Promise<BundleManifest> {
    const runner = this.pool.start(bundle);
    const manifest = await runner.ready;
    const known = { bundle, manifest };
    this.versions.set(bundle.version, known);
    this.current = known;
    this.pool.setCurrent(bundle, runner);
    this.options.store?.saveManifest(manifest);
    this.options.store?.touch(bundle.version);
    return manifest;
  }

  /**
   * Makes a known version (addVersion) the one new runs start on, without loading it first (a worker server's current
   * deployment, indexed when it was deployed), and keeps runners of it warm for each of `machines`; warm runners of
   * other versions or machines are stopped.
   */
  keepWarm(version: string, machines: string[]): void {
    const known = this.versions.get(version);
    if (!known) throw new Error(`version ${version} is not known here (addVersion first)`);
    this.current = known;
    this.pool.setCurrent(known.bundle, undefined, machines);
  }

  /** Replaces the warm runners with new ones: what they were started with is out of date (`reason`). */
  drainWarm(reason: string): void {
    this.pool.drain(reason);
  }

  /** Makes an earlier version available to the runs locked to it (loaded into a runner only when one needs it). */
  addVersion(bundle: RunnerBundle, manifest: BundleManifest): void {
    if (!this.versions.has(bundle.version)) this.versions.set(bundle.version, { bundle, manifest });
  }

  hasTask(taskId: string, version?: string): boolean {
    return this.knownVersion(version)?.manifest.tasks.some((task) => task.id === taskId) ?? false;
  }

  declaredQueues(version?: string): DeclaredQueue[] {
    return this.knownVersion(version)?.manifest.queues ?? [];
  }

  /** The version an execution runs: the run's own when it is still available, else the current one. */
  versionFor(info: AttemptStartInfo): string | undefined {
    return this.knownVersion(info.version)?.bundle.version;
  }

  private knownVersion(locked: string | undefined): KnownVersion | undefined {
    return (locked && this.versions.get(locked)) || this.current;
  }

  async execute(job: AttemptJob): Promise<AttemptActivityResult> {
    const { info } = job;
    const version = this.knownVersion(info.version);
    if (!version) throw new Error("no bundle version is loaded yet");
    if (info.version && version.bundle.version !== info.version) {
      this.options.onNotice?.(
        `${info.runId} started on version ${info.version}, which is no longer on disk: it runs on ${version.bundle.version} (a replay may diverge).`,
      );
    }
    const task = version.manifest.tasks.find((t) => t.id === info.item.task);
    if (!task) throw new Error(`task ${info.item.task} is not in version ${version.bundle.version}`);
    this.options.store?.touch(version.bundle.version, EXECUTION_TOUCH_INTERVAL_MS);
    this.live.get(info.runId)?.stop("a newer execution of its run started");
    const execution = { info, task };
    const machine = this.options.machineOf?.(execution);
    const keepAlive = this.options.keepAlive ? version.manifest.processKeepAlive : undefined;
    // Kept alive, a runner at work may serve this execution sooner than a new process would load.
    const runner = keepAlive
      ? await this.pool.takeSoon(version.bundle, execution, machine, job.signal)
      : this.pool.take(version.bundle, execution, machine);
    runner.executions++;
    if (keepAlive && runner.executions === keepAlive.maxExecutionsPerProcess) this.pool.prepareSuccessor(runner);
    let endedCleanly = false;
    try {
      const result = await this.runOn(runner, job, version.manifest, task, () => (endedCleanly = true));
      endedCleanly &&= reusableAfter(result);
      return result;
    } finally {
      if (keepAlive && endedCleanly && runner.executions < keepAlive.maxExecutionsPerProcess)
        this.pool.giveBack(runner, keepAlive.devMaxPoolSize);
      else this.pool.retire(runner, "its execution ended");
    }
  }

  /** Stops every runner (warm ones and those running executions); resolves once all of them are gone. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async runOn(
    runner: Runner,
    job: AttemptJob,
    manifest: BundleManifest,
    task: ManifestTask,
    /** Told when the runner itself reported the result (its process is alive and between executions). */
    onResultReported?: () => void,
  ): Promise<AttemptActivityResult> {
    const { info, signal } = job;
    try {
      await abortable(runner.ready, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // The run's version cannot load here (a file that throws at import): retrying cannot help.
      return { kind: "failure", status: "FAILED", error: { name: "TaskLoadError", ...messageOf(error) }, computeMs: 0 };
    }

    return new Promise<AttemptActivityResult>((resolve, reject) => {
      let settled = false;
      const maxDurationSeconds = info.maxDurationSeconds ?? task.maxDuration ?? manifest.maxDuration;
      const budgetMs = maxDurationSeconds
        ? maxDurationSeconds * 1000 - (info.attemptComputeMsUsed ?? 0) + MAX_DURATION_BACKSTOP_MS
        : undefined;
      const clock = new ComputeClock(budgetMs, () => {
        runner.handle.stop("maxDuration");
        finish(() =>
          resolve({
            kind: "failure",
            status: "TIMED_OUT",
            error: serializeError(new MaxDurationExceededError(maxDurationSeconds!)),
            computeMs: clock.stop(),
          }),
        );
      });
      const channel = clockedChannel(job.channel, clock);
      let cancelTimer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clock.stop();
        clearTimeout(cancelTimer);
        signal.removeEventListener("abort", onAbort);
        job.superseded?.removeEventListener("abort", onSuperseded);
        if (this.live.get(info.runId)?.token === info.executionId) this.live.delete(info.runId);
        settle();
      };
      const stop = (reason: string, error: Error) => {
        runner.handle.stop(reason);
        finish(() => reject(error));
      };
      this.live.set(info.runId, {
        token: info.executionId,
        stop: (reason) => stop(reason, staleExecution(info, reason)),
      });

      const onAbort = () => {
        try {
          runner.handle.send({ type: "cancel" });
        } catch {
          // Gone already: the exit below settles.
        }
        cancelTimer = setTimeout(
          () => stop("canceled", signal.reason),
          this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
        );
      };
      // Not a cancel: Temporal gave up on this execution (a newer one replays the attempt) or the worker stops.
      const onSuperseded = () =>
        stop(
          "superseded",
          staleExecution(
            info,
            `Temporal ended it (${(job.superseded?.reason as Error | undefined)?.message ?? "superseded"})`,
          ),
        );
      if (job.superseded?.aborted) return onSuperseded();
      if (signal.aborted) return stop("canceled", signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      job.superseded?.addEventListener("abort", onSuperseded, { once: true });

      runner.attach((message: FromRunner) => {
        switch (message.type) {
          case "call":
            return void this.answer(runner, channel, message, info).catch((error: Error) => {
              // The run moved on without this execution (a newer one runs, or the run finished): stop its code.
              if (error.name === FAILURE_TYPES.staleExecution) stop("its run moved on", error);
              // Temporal stayed out of reach past the retry window: the execution ends as an infrastructure failure.
              if (isTemporalUnreachableError(error)) stop("Temporal is out of reach", error);
            });
          case "log":
            return this.options.logSink?.(message.entry);
          case "result":
            return finish(() => {
              onResultReported?.();
              resolve(message.result as AttemptActivityResult);
            });
          case "cancel-done":
            return stop("canceled", signal.reason);
        }
      });
      const machine = this.options.machineOf?.({ info, task }) ?? info.item.options?.machine ?? task.machine;
      void runner.handle.exited.then((exit) =>
        finish(() => resolve(crashResult(exit, info, task, machine, clock.stop()))),
      );

      try {
        // Task code's management calls (runs.retrieve…) go to this process' engine client, when it has one.
        runner.handle.send({
          type: "execute",
          info: { ...info, version: runner.bundle.version },
          clientRuntime: this.clientRuntime() !== undefined,
          apiRelay: this.options.apiRelay !== undefined,
        });
        job.onStart?.();
      } catch (error) {
        finish(() =>
          resolve({
            kind: "failure",
            status: "FAILED",
            error: { name: "TaskPayloadError", ...messageOf(error) },
            computeMs: 0,
          }),
        );
      }
    });
  }

  private clientRuntime(): ClientRuntime | undefined {
    return this.options.clientRuntime ?? sdkGlobals().client;
  }

  /** A REST API request of task code, checked here (its runner runs user code), then relayed for the run. */
  private async relay(info: AttemptStartInfo, raw: unknown): Promise<ApiRelayResponse> {
    if (!this.options.apiRelay) return relayRefusal(501, "This executor does not relay API requests");
    const parsed = apiRelayRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return relayRefusal(400, `The request cannot be relayed: ${issue.message}`);
    }
    return this.options.apiRelay(info, parsed.data);
  }

  /** Answers a runner's call; rejects (after replying) when the engine refused it. */
  private async answer(
    runner: Runner,
    channel: AttemptChannel,
    message: Extract<FromRunner, { type: "call" }>,
    info: AttemptStartInfo,
  ): Promise<void> {
    const reply = (result: { ok: true; value: unknown } | { ok: false; error: SerializedError }) => {
      try {
        runner.handle.send({ type: "reply", id: message.id, ...result });
      } catch (error) {
        if (result.ok) runner.handle.send({ type: "reply", id: message.id, ok: false, error: serializeError(error) });
      }
    };
    try {
      let value: unknown;
      if (message.target === "channel") {
        value = await (channel[message.method] as (...args: unknown[]) => Promise<unknown>)(...message.args);
      } else if (message.target === "api") {
        value = await this.relay(info, message.args[0]);
      } else {
        const client = this.clientRuntime();
        if (!client) throw new Error(`${message.method}: no Stint engine is configured in the session`);
        value = await (client[message.method] as (...args: unknown[]) => Promise<unknown>).apply(client, message.args);
      }
      reply({ ok: true, value });
    } catch (error) {
      reply({ ok: false, error: serializeError(error) });
      throw error;
    }
  }
}

/**
 * Whether a process may serve another execution after this result: not after a suspension (the run's code is still
 * parked in it, waiting) nor after code threw outside run() (the process' state is unknown).
 */
function reusableAfter(result: AttemptActivityResult): boolean {
  if (result.kind === "success") return true;
  return result.kind === "failure" && result.status === "FAILED" && result.error.name !== "UncaughtExceptionError";
}

function relayRefusal(status: number, error: string): ApiRelayResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify({ error }) };
}

function staleExecution(info: AttemptStartInfo, reason: string): Error {
  return Object.assign(new Error(`execution ${info.executionId} of ${info.runId} was stopped: ${reason}`), {
    name: FAILURE_TYPES.staleExecution,
  });
}

/**
 * What a runner's death means for its attempt, in Trigger.dev's terms: out of memory, a segfault, an exit code. Out
 * of memory is not retried on the same machine; a task with `retry.outOfMemory.machine` is retried on that one.
 */
function crashResult(
  exit: RunnerExit,
  info: AttemptStartInfo,
  task: ManifestTask,
  machine: string | undefined,
  computeMs: number,
): AttemptActivityResult {
  const heapLimit = /heap out of memory|Reached heap limit|Allocation failed/i.test(exit.stderrTail);
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  let error: SerializedError;
  let retryable = true;
  if (exit.outOfMemory && !exit.stoppedBy) {
    error = { name: "OutOfMemoryError", message: exit.outOfMemory };
    retryable = false;
  } else if (heapLimit) {
    error = {
      name: "OutOfMemoryError",
      message: `The task process ran out of memory (JavaScript heap limit reached) and ${how}.`,
    };
    retryable = false;
  } else if (exit.signal === "SIGKILL" && !exit.stoppedBy) {
    error = { name: "OutOfMemoryError", message: `The task process ${how}: the system most likely ran out of memory.` };
    retryable = false;
  } else if (exit.signal === "SIGSEGV") {
    error = {
      name: "TaskProcessCrashedError",
      message: `The task process crashed with a segmentation fault (SIGSEGV), most likely in a native module.`,
    };
    retryable = false;
  } else {
    const hint = exit.signal ? "" : " Did task code call process.exit()?";
    error = { name: "TaskProcessExitedError", message: `The task process ${how} before the attempt finished.${hint}` };
  }
  const oomMachine = error.name === "OutOfMemoryError" ? task.retry.outOfMemory?.machine : undefined;
  const largerMachine = oomMachine !== undefined && oomMachine !== machine ? oomMachine : undefined;
  const maxAttempts = info.maxAttempts ?? task.retry.maxAttempts ?? 1;
  const retry = (retryable || largerMachine) && info.settings.retriesEnabled && info.attemptNumber < maxAttempts;
  return {
    kind: "failure",
    status: "FAILED",
    error,
    retryDelayMs: retry ? retryDelayMs(task.retry, info.attemptNumber) : undefined,
    ...(retry && largerMachine ? { machine: largerMachine } : {}),
    computeMs,
  };
}

function messageOf(error: unknown): { message: string; stack?: string } {
  const { message, stack } = serializeError(error);
  return { message, stack };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
