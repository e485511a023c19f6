/**
 * One execution of the current attempt: on its task queue (a session's, for routed runs), inside a queue slot, and
 * raced against the run's ttl until its process confirms the start.
 */
import * as wf from "@temporalio/workflow";
import type { AttemptActivityResult, AttemptRequeue } from "../../shared/run-types.js";
import { resolveAttemptQueue } from "../../shared/run-input.js";
import { ROUTED_SCHEDULE_TO_START_MS, isSessionRouted } from "../../shared/attempt-routing.js";
import type { AttemptActivities, EngineActivities } from "../../activities/attempt-activity-types.js";
import { FAILURE_TYPES } from "../../errors.js";
import type { ExecutionLiveness } from "./execution-liveness.js";
import { QueueSlot } from "./queue-slot.js";
import type { RunContext } from "./run-context.js";
import { SessionRouting } from "./session-routing.js";

export type ExecutionOutcome = AttemptActivityResult | AttemptRequeue | "expired";

const isScheduleToStartTimeout = (error: unknown) =>
  error instanceof wf.ActivityFailure &&
  error.cause instanceof wf.TimeoutFailure &&
  error.cause.timeoutType === "SCHEDULE_TO_START";

/** Whether a failed attempt is retried: a retry delay, retries enabled, and not a maxDuration timeout. */
export function retriesAfter(result: AttemptActivityResult & { kind: "failure" }, retriesEnabled: boolean): boolean {
  return result.status !== "TIMED_OUT" && result.retryDelayMs !== undefined && retriesEnabled;
}

/** Whether the run finishes with this outcome (no further execution will ask for a slot). */
function endsRun(outcome: ExecutionOutcome, retriesEnabled: boolean): boolean {
  if (outcome === "expired") return true;
  if (outcome.kind === "success") return true;
  if (outcome.kind === "failure") return !retriesAfter(outcome, retriesEnabled);
  return false;
}

export class AttemptExecution {
  /** Routed runs (development) learn their queue when an execution starts; others have one queue for good. */
  private readonly routed: boolean;
  private readonly fixedAttemptQueue: string | undefined;
  readonly slot: QueueSlot;
  private readonly routing: SessionRouting;
  /** The session chosen before the workflow started (admitAtStart), for the first execution only. */
  private routedAtStart: string | undefined;

  constructor(
    private readonly run: RunContext,
    private readonly liveness: ExecutionLiveness,
  ) {
    const { input } = run;
    this.routed = isSessionRouted(input.attemptQueue);
    this.fixedAttemptQueue = this.routed ? undefined : resolveAttemptQueue(input.attemptQueue, input.item.task);
    const engine = wf.proxyLocalActivities<EngineActivities>({
      startToCloseTimeout: "10 seconds",
      retry: { initialInterval: "500 milliseconds", backoffCoefficient: 2, maximumInterval: "5 seconds" },
    });
    this.slot = new QueueSlot(run, engine);
    this.routing = new SessionRouting(run, engine);
    if (this.routed) this.routedAtStart = input.startAdmission?.taskQueue;
  }

  /** Runs one execution of the current attempt on its queue, inside a queue slot; 'expired' if the ttl passed first. */
  async execute(ttlDeadline: number | undefined): Promise<ExecutionOutcome> {
    const { slot } = this;
    for (;;) {
      let taskQueue = this.fixedAttemptQueue ?? this.routedAtStart;
      this.routedAtStart = undefined;
      if (taskQueue === undefined) {
        try {
          taskQueue = await this.routing.awaitRoute(ttlDeadline, (route) => slot.routeAndAsk(route));
        } catch (error) {
          // Canceled while asking: a lease the answer may have granted goes back.
          slot.release();
          throw error;
        }
      }
      if (taskQueue === "expired") return "expired";
      try {
        return await this.runGated(ttlDeadline, taskQueue);
      } catch (error) {
        if (this.routed && isScheduleToStartTimeout(error)) continue;
        throw error;
      }
    }
  }

  private attemptsOn(taskQueue: string): AttemptActivities {
    const { input } = this.run;
    return wf.proxyActivities<AttemptActivities>({
      taskQueue,
      startToCloseTimeout: "24 hours",
      // A session chosen for an execution that died before polling it never starts it: route it again.
      ...(this.routed ? { scheduleToStartTimeout: ROUTED_SCHEDULE_TO_START_MS } : {}),
      heartbeatTimeout: input.settings.heartbeatTimeoutMs,
      retry: {
        initialInterval: "1 second",
        backoffCoefficient: 2,
        maximumInterval: "30 seconds",
        maximumAttempts: 20,
        nonRetryableErrorTypes: [FAILURE_TYPES.taskNotFound, FAILURE_TYPES.nonDeterminism],
      },
    });
  }

  private async runGated(ttlDeadline: number | undefined, taskQueue: string): Promise<ExecutionOutcome> {
    const { slot } = this;
    if (!slot.required) return this.runAdmitted(ttlDeadline, taskQueue);
    let admitted: boolean;
    try {
      admitted = await slot.acquire(ttlDeadline);
    } catch (error) {
      slot.release();
      throw error;
    }
    let outcome: ExecutionOutcome | undefined;
    try {
      outcome = admitted ? await this.runAdmitted(ttlDeadline, taskQueue) : "expired";
      return outcome;
    } finally {
      slot.release(outcome !== undefined && endsRun(outcome, this.run.input.settings.retriesEnabled));
    }
  }

  private async runAdmitted(ttlDeadline: number | undefined, taskQueue: string): Promise<ExecutionOutcome> {
    const { run, liveness } = this;
    const executionId = liveness.newExecution();
    const confirmStart = ttlDeadline !== undefined && !liveness.attemptStarted;
    const scope = new wf.CancellationScope();
    const admission = this.slot.admissionClaim();
    const running = scope.run(() =>
      this.attemptsOn(taskQueue).runAttempt({
        runId: run.input.runId,
        executionId,
        confirmStart,
        info: liveness.startInfo(executionId),
        admission,
      }),
    );
    if (ttlDeadline !== undefined && !liveness.attemptStarted) {
      let settled = false;
      void running.then(
        () => (settled = true),
        () => (settled = true),
      );
      const started = await wf.condition(
        () => liveness.startedThisExecution || settled,
        Math.max(1, ttlDeadline - Date.now()),
      );
      if (!started) {
        liveness.abandonExecution();
        scope.cancel();
        await running.catch(() => undefined);
        return "expired";
      }
    }
    return running;
  }
}
