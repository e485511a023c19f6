/**
 * Executes attempts in this Node process against the SDK's task catalog (the engine's own tests use it; `stint dev`
 * runs each attempt in a child process instead). A suspended execution's run() promise is simply dropped: nothing
 * references it once the runtime stops answering.
 */
import { declaredQueues, sdkGlobals, type DeclaredQueue } from "@stint/sdk/runtime";
import type { AttemptActivityResult } from "../shared/run-types.js";
import type { LogSink } from "./attempt-channel.js";
import type { AttemptExecutor, AttemptJob } from "./executor.js";
import { executeLocally } from "./execute-locally.js";

export { parseThreshold } from "./execute-locally.js";

export interface InProcessExecutorOptions {
  logSink?: LogSink;
}

export class InProcessExecutor implements AttemptExecutor {
  constructor(private readonly options: InProcessExecutorOptions = {}) {}

  hasTask(taskId: string): boolean {
    return sdkGlobals().catalog.has(taskId);
  }

  declaredQueues(): DeclaredQueue[] {
    return declaredQueues();
  }

  execute(job: AttemptJob): Promise<AttemptActivityResult> {
    job.onStart?.();
    return executeLocally(job, { logSink: this.options.logSink });
  }
}
