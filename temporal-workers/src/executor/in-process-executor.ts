/**
 * Executes attempts in this Node process against the SDK's task catalog (what `stint dev` uses). A suspended
 * execution's run() promise is simply dropped: nothing references it once the runtime stops answering.
 */
import { executeAttempt, parseDurationMs, sdkGlobals } from "@stint/sdk/runtime";
import type { AttemptActivityResult } from "../shared/run-types.js";
import type { LogSink } from "./attempt-channel.js";
import { AttemptRuntime } from "./attempt-runtime.js";
import type { AttemptExecutor, AttemptJob } from "./executor.js";
import { buildRunContext } from "./run-context.js";

export interface InProcessExecutorOptions {
  logSink?: LogSink;
}

/** "never"/"unlimited" → null (never suspend); numbers are seconds; text is a duration. */
export function parseThreshold(value: string | number | undefined | null): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === "never" || value === "unlimited" || value === Infinity) return null;
  return parseDurationMs(value, "checkpointThreshold");
}

export class InProcessExecutor implements AttemptExecutor {
  constructor(private readonly options: InProcessExecutorOptions = {}) {}

  hasTask(taskId: string): boolean {
    return sdkGlobals().catalog.has(taskId);
  }

  async execute({ info, channel, signal }: AttemptJob): Promise<AttemptActivityResult> {
    const definition = sdkGlobals().catalog.get(info.item.task)!;
    const config = sdkGlobals().config;
    const machine = typeof definition.options.machine === "string" ? definition.options.machine : definition.options.machine?.preset;
    const ctx = buildRunContext(info, { filePath: definition.filePath, exportName: definition.exportName, machine });
    const threshold =
      parseThreshold(definition.options.checkpointThreshold) ?? parseThreshold(config?.checkpointThreshold) ?? info.settings.checkpointThresholdMs;
    const runtime = new AttemptRuntime(ctx, channel, {
      checkpointThresholdMs: threshold,
      initialMetadata: info.metadata,
      metadataOpsApplied: info.metadataOpsApplied,
      logSink: this.options.logSink,
    });
    const maxDurationSeconds = info.maxDurationSeconds ?? definition.options.maxDuration ?? config?.maxDuration;
    ctx.run.maxDuration = maxDurationSeconds;
    const started = Date.now();
    const execution = executeAttempt(
      {
        taskId: info.item.task,
        payload: info.item.payload,
        ctx,
        maxAttempts: info.maxAttempts,
        remainingComputeMs: maxDurationSeconds ? maxDurationSeconds * 1000 - info.computeMsUsed : undefined,
        isReplay: info.isReplay,
        retriesEnabled: info.settings.retriesEnabled,
      },
      runtime,
      signal,
    );
    const outcome = await Promise.race([execution, runtime.suspended.then((seq) => ({ kind: "suspended" as const, seq }))]);
    const computeMs = Date.now() - started;
    if (outcome.kind !== "suspended") await runtime.flushMetadata();
    else await runtime.flushMetadata().catch(() => undefined);
    return { ...outcome, computeMs } as AttemptActivityResult;
  }
}
