/** The attempt activity: starts an execution of the run's current attempt and hands it to an executor. */
import { Context } from "@temporalio/activity";
import { ApplicationFailure, type Client } from "@temporalio/client";
import { startAttemptUpdate } from "../shared/messages.js";
import type { AttemptActivityInput, AttemptActivityResult, AttemptStartInfo } from "../shared/run-types.js";
import type { AttemptExecutor } from "../executor/executor.js";
import { TemporalAttemptChannel } from "../executor/temporal-attempt-channel.js";
import type { AttemptActivities } from "./attempt-activity-types.js";

const HEARTBEAT_INTERVAL_MS = 1_000;

export function createAttemptActivities(client: Client, executor: AttemptExecutor): AttemptActivities {
  return {
    async runAttempt({ runId, executionId }: AttemptActivityInput): Promise<AttemptActivityResult> {
      const context = Context.current();
      // Heartbeat from the first instant: right after a crash the startAttempt update can wait several seconds
      // for a workflow task, and a silent activity would be declared dead and retried meanwhile.
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      context.heartbeat();
      try {
        let info: AttemptStartInfo;
        try {
          info = await client.workflow
            .getHandle(runId)
            .executeUpdate(startAttemptUpdate, { args: [{ executionId, activityAttempt: context.info.attempt }] });
        } catch (error) {
          // The run moved on (expired, canceled, or a newer execution exists): nothing to run.
          throw ApplicationFailure.nonRetryable(`attempt ${executionId} of ${runId} was refused: ${(error as Error).message}`, "StintAttemptRefused");
        }
        if (!executor.hasTask(info.item.task)) {
          throw ApplicationFailure.nonRetryable(
            `Task "${info.item.task}" is not registered by the worker on task queue ${context.info.taskQueue}. Check the task id, or start \`stint dev\` in the project that defines it.`,
            "StintTaskNotFound",
          );
        }
        const abort = new AbortController();
        context.cancellationSignal.addEventListener("abort", () => abort.abort(), { once: true });
        const channel = new TemporalAttemptChannel(client, runId, info.executionId, info.attemptNumber);
        return await executor.execute({ info, channel, signal: abort.signal });
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
