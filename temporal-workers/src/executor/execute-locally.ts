/**
 * Runs one attempt execution in this process against the SDK's task catalog: the code every executor ends up in
 * (the in-process executor directly; the child-process executor inside its runner process).
 */
import { executeAttempt, MaxDurationExceededError, parseDurationMs, sdkGlobals } from "@stint/sdk/runtime";
import type { AttemptActivityResult } from "../shared/run-types.js";
import type { LogSink } from "./attempt-channel.js";
import { AttemptRuntime } from "./attempt-runtime.js";
import { ComputeClock, clockedChannel } from "./compute-clock.js";
import type { AttemptJob } from "./executor.js";
import { buildRunContext } from "./run-context.js";
import { FAILURE_TYPES } from "../errors.js";

export interface LocalExecutionOptions {
  logSink?: LogSink;
  /** Rejects when task code throws outside run()'s promise chain (an uncaught exception or unhandled rejection). */
  uncaught?: Promise<never>;
  /** Told when a cancel started the onCancel hooks; `settled` resolves once they finished. */
  onCancelHooks?: (settled: Promise<void>) => void;
}

/** "never"/"unlimited" → null (never suspend); numbers are seconds; text is a duration. */
export function parseThreshold(value: string | number | undefined | null): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === "never" || value === "unlimited" || value === Infinity) return null;
  return parseDurationMs(value, "checkpointThreshold");
}

export async function executeLocally(
  { info, channel, signal, superseded }: AttemptJob,
  options: LocalExecutionOptions = {},
): Promise<AttemptActivityResult> {
  const definition = sdkGlobals().catalog.get(info.item.task)!;
  const config = sdkGlobals().config;
  const machine =
    typeof definition.options.machine === "string" ? definition.options.machine : definition.options.machine?.preset;
  const ctx = buildRunContext(info, { filePath: definition.filePath, exportName: definition.exportName, machine });
  const threshold =
    parseThreshold(definition.options.checkpointThreshold) ??
    parseThreshold(config?.checkpointThreshold) ??
    info.settings.checkpointThresholdMs;
  const maxDurationSeconds = info.maxDurationSeconds ?? definition.options.maxDuration ?? config?.maxDuration;
  ctx.run.maxDuration = maxDurationSeconds;

  let timedOut!: (error: Error) => void;
  const interrupt = new Promise<never>((_, reject) => (timedOut = reject));
  interrupt.catch(() => undefined);
  // Trigger.dev counts compute time only against maxDuration, per attempt: waits do not count (see ComputeClock).
  const budgetMs = maxDurationSeconds ? maxDurationSeconds * 1000 - (info.attemptComputeMsUsed ?? 0) : undefined;
  const clock = new ComputeClock(budgetMs, () => timedOut(new MaxDurationExceededError(maxDurationSeconds!)));
  const runtime = new AttemptRuntime(ctx, clockedChannel(channel, clock), {
    checkpointThresholdMs: threshold,
    initialMetadata: info.metadata,
    metadataOpsApplied: info.metadataOpsApplied,
    logSink: options.logSink,
  });
  const execution = executeAttempt(
    {
      taskId: info.item.task,
      payload: info.item.payload,
      ctx,
      maxAttempts: info.maxAttempts,
      interrupt: options.uncaught ? Promise.race([interrupt, options.uncaught]) : interrupt,
      isReplay: info.isReplay,
      retriesEnabled: info.settings.retriesEnabled,
      onCancelHooks: options.onCancelHooks,
    },
    runtime,
    signal,
  );
  // Code in this process cannot be stopped: a superseded execution is parked at its next durable call instead.
  const park = () =>
    runtime.interrupt(
      Object.assign(
        new Error(
          `execution ${info.executionId} of ${info.runId} was superseded (${(superseded?.reason as Error | undefined)?.message})`,
        ),
        { name: FAILURE_TYPES.staleExecution },
      ),
    );
  if (superseded?.aborted) park();
  else superseded?.addEventListener("abort", park, { once: true });
  // Temporal out of reach for longer than the retry window (or a newer execution took over): the execution fails as
  // infrastructure (the activity is retried, replaying this same attempt), never as the task's failure.
  const interrupted = runtime.interrupted.then((error) => Promise.reject(error));
  const outcome = await Promise.race([
    execution,
    runtime.suspended.then((seq) => ({ kind: "suspended" as const, seq })),
    interrupted,
  ]);
  const computeMs = clock.stop();
  if (outcome.kind !== "suspended") await Promise.race([runtime.flushMetadata(), interrupted]);
  else await runtime.flushMetadata().catch(() => undefined);
  return { ...outcome, computeMs } as AttemptActivityResult;
}
