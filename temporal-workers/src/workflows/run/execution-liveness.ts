/**
 * Which process acts for the run. Each execution of an attempt has an id, and its processes carry tokens
 * `<executionId>/<activity attempt>` (a crash retry is a newer activity attempt): only the newest process of the
 * current execution is live; a zombie of an older one is refused (StintStaleExecution), so the executor stops it.
 */
import * as wf from "@temporalio/workflow";
import { ApplicationFailure } from "@temporalio/workflow";
import { isFinalStatus } from "@stint/sdk/core";
import type { AttemptStartInfo } from "../../shared/run-types.js";
import { attemptStartedSignal, startAttemptUpdate } from "../../shared/messages.js";
import { FAILURE_TYPES } from "../../errors.js";
import { nowIso, type RunContext } from "./run-context.js";

function parseToken(token: string) {
  const [id, attempt] = token.split("/");
  return { id: id!, attempt: Number(attempt ?? 1) };
}

export class ExecutionLiveness {
  /** The current execution of the current attempt (`<attempt>.<n>`); empty while none may act. */
  executionId = "";
  private executionCount = 0;
  /** Highest activity attempt seen for the current execution: processes of older attempts are refused. */
  private liveAttempt = 0;
  /** Whether a process of the run has ever started: its ttl no longer applies. */
  attemptStarted = false;
  startedThisExecution = false;

  constructor(private readonly run: RunContext) {}

  /** Names the next execution of the current attempt; none of its processes has been heard from yet. */
  newExecution(): string {
    this.executionId = `${this.run.attemptNumber}.${++this.executionCount}`;
    this.liveAttempt = 0;
    this.startedThisExecution = false;
    return this.executionId;
  }

  /** The execution was given up before it started (its ttl passed): nothing may act for it any more. */
  abandonExecution(): void {
    this.executionId = "";
  }

  requireLive(token: string): void {
    const { run } = this;
    // StintStaleExecution: the executor stops the code of an execution the run no longer listens to.
    if (run.finished)
      throw ApplicationFailure.nonRetryable(`run ${run.input.runId} has finished`, FAILURE_TYPES.staleExecution);
    const { id, attempt } = parseToken(token);
    // A zombie process of an older activity attempt must not act for the run once a newer one has started.
    if (id !== this.executionId || attempt < this.liveAttempt) {
      throw ApplicationFailure.nonRetryable(
        `execution ${token} is no longer the live execution of run ${run.input.runId}`,
        FAILURE_TYPES.staleExecution,
      );
    }
  }

  /** Records that `token`'s process is running (first news of it: a signal, the start update or a durable call). */
  markLive(token: string, startedAt?: string): void {
    const { run } = this;
    const { attempt } = parseToken(token);
    if (attempt <= this.liveAttempt) return;
    this.liveAttempt = attempt;
    this.attemptStarted = true;
    this.startedThisExecution = true;
    const now = startedAt ?? nowIso();
    run.state.startedAt ??= now;
    const record = run.currentAttempt()!;
    record.startedAt ??= now;
    record.executions += 1;
    if (run.state.status === "QUEUED" || run.state.status === "WAITING") run.setStatus("EXECUTING");
  }

  /** What an execution's process is told about the run when it starts. */
  startInfo(token: string): AttemptStartInfo {
    const { run } = this;
    const { input, state } = run;
    return {
      runId: input.runId,
      executionId: token,
      attemptNumber: run.attemptNumber,
      isReplay: run.currentAttempt()!.executions > 0,
      item: run.item,
      environment: input.environment,
      metadata: { ...state.metadata },
      tags: [...state.tags],
      createdAt: input.createdAt,
      startedAt: state.startedAt ?? nowIso(),
      computeMsUsed: state.computeMs,
      attemptComputeMsUsed: run.currentAttempt()!.computeMs ?? 0,
      maxAttempts: run.options.maxAttempts,
      maxDurationSeconds: run.options.maxDuration,
      parentRunId: input.parentRunId,
      rootRunId: input.rootRunId,
      batchId: input.batchId,
      settings: input.settings,
      metadataOpsApplied: run.metadataOpsApplied.self ?? 0,
      version: state.version,
    };
  }

  /** The start update (runs with a ttl confirm their start through it, so expiry and start cannot both happen) and
   * the started signal (the others announce it). */
  installHandlers(): void {
    const { run } = this;
    wf.setHandler(
      startAttemptUpdate,
      ({ executionId: requested, activityAttempt }): AttemptStartInfo => {
        const token = `${requested}/${activityAttempt ?? 1}`;
        this.markLive(token);
        return { ...this.startInfo(token), isReplay: run.currentAttempt()!.executions > 1 };
      },
      {
        validator: ({ executionId: requested, activityAttempt }) => {
          if (run.finished || isFinalStatus(run.state.status))
            throw new Error(`run ${run.input.runId} is ${run.state.status}`);
          this.requireLive(`${requested}/${activityAttempt ?? 1}`);
        },
      },
    );

    wf.setHandler(attemptStartedSignal, ({ executionId: token, startedAt, version }) => {
      try {
        this.requireLive(token);
        this.markLive(token, startedAt);
        run.lockVersion(version);
      } catch {
        // News from a stale execution: ignore it.
      }
    });
  }
}
