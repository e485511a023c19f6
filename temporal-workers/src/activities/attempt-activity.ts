/** The attempt activity: starts an execution of the run's current attempt and hands it to an executor. */
import { Context } from "@temporalio/activity";
import { ApplicationFailure, type Client } from "@temporalio/client";
import { attemptStartedSignal, startAttemptUpdate } from "../shared/messages.js";
import type {
  AttemptActivityInput,
  AttemptActivityResult,
  AttemptRequeue,
  AttemptStartInfo,
} from "../shared/run-types.js";
import type { AttemptExecutor } from "../executor/executor.js";
import { TemporalAttemptChannel } from "../executor/temporal-attempt-channel.js";
import { FAILURE_TYPES, isStaleExecutionError, isTemporalUnreachableError } from "../errors.js";
import { DEFAULT_TEMPORAL_RETRY_WINDOW_MS, retryTransient } from "../executor/temporal-retry.js";
import { PacketAttemptChannel } from "../executor/packet-attempt-channel.js";
import type { PacketStore } from "../packets/packet-store.js";
import { resolveAttemptPayload, storeAttemptOutput } from "./attempt-packets.js";
import { wasRunCanceled } from "./cancel-reason.js";
import type { AttemptActivities } from "./attempt-activity-types.js";
import { checkAdmission } from "./admission-check.js";

/**
 * Heartbeats start one interval in (the timeout is 10 s by default) and the start is announced after a second:
 * a short attempt (most are) costs Temporal neither a heartbeat nor a signal and its workflow task. Under load even
 * a no-op attempt can take a few hundred milliseconds.
 */
const HEARTBEAT_INTERVAL_MS = 1_000;
const ANNOUNCE_AFTER_MS = 1_000;

interface HeartbeatDetails {
  version?: string;
}

export interface AttemptActivityOptions {
  /** How long calls to Temporal retry transient errors before the execution ends as an infrastructure failure. */
  temporalRetryWindowMs?: number;
  /**
   * The environment's packet store, for payloads and outputs past the inline limit (see docs/large-payloads.md); a
   * worker serving several environments (a supervisor) gives one per environment.
   */
  packets?: PacketStore | ((environmentId: string) => PacketStore);
}

export function createAttemptActivities(
  client: Client,
  executor: AttemptExecutor,
  options: AttemptActivityOptions = {},
): AttemptActivities {
  const retryWindowMs = options.temporalRetryWindowMs ?? DEFAULT_TEMPORAL_RETRY_WINDOW_MS;
  const packetsOf = (environmentId: string) =>
    typeof options.packets === "function" ? options.packets(environmentId) : options.packets;
  return {
    async runAttempt(input: AttemptActivityInput): Promise<AttemptActivityResult | AttemptRequeue> {
      const { runId } = input;
      const context = Context.current();
      const packets = packetsOf(input.info.environment.id);
      // Before anything starts: an execution admitted short of its queue's limit in code goes back to the gate.
      const lockedVersion =
        input.info.version ?? (context.info.heartbeatDetails as HeartbeatDetails | undefined)?.version;
      await executor.prepare?.({ ...input.info, version: lockedVersion });
      const requeue = checkAdmission(
        input.admission,
        input.info.item.task,
        executor.declaredQueues(lockedVersion, input.info.environment.id),
      );
      if (requeue) return requeue;
      // Heartbeats go on while the startAttempt update waits (right after a crash it can wait several seconds for a
      // workflow task, and a silent activity would be declared dead and retried meanwhile).
      // The details carry the bundle version this execution runs: a crash retry (the next activity attempt) reads
      // them and runs the same version, with no round trip to a workflow that may be waiting on a dead worker. (A
      // crash within the first second retries on the version current then: it differs only if one was deployed in
      // that second.)
      const details: HeartbeatDetails = {};
      const heartbeat = setInterval(() => context.heartbeat(details), HEARTBEAT_INTERVAL_MS);
      try {
        const started = await startExecution(client, input, context.info.attempt, retryWindowMs);
        const { announce } = started;
        started.info.version ??= (context.info.heartbeatDetails as HeartbeatDetails | undefined)?.version;
        if (!executor.hasTask(started.info.item.task, started.info.version, started.info.environment.id)) {
          throw ApplicationFailure.nonRetryable(
            `Task "${started.info.item.task}" is not registered by the worker on task queue ${context.info.taskQueue}. Check the task id, or start \`stint dev\` in the project that defines it.`,
            FAILURE_TYPES.taskNotFound,
          );
        }
        const info = await resolveAttemptPayload(started.info, packets);
        const abort = new AbortController();
        const superseded = new AbortController();
        // Only a cancel the run asked for is a cancel (onCancel runs); a timed-out or orphaned execution just stops.
        const onCancel = () =>
          void wasRunCanceled(client, runId, context).then((canceled) =>
            (canceled ? abort : superseded).abort(context.cancellationSignal.reason),
          );
        if (context.cancellationSignal.aborted) onCancel();
        else context.cancellationSignal.addEventListener("abort", onCancel, { once: true });
        const version = executor.versionFor?.(info);
        if (version) details.version = version;
        const channel = new PacketAttemptChannel(
          new TemporalAttemptChannel(client, runId, info.executionId, info.attemptNumber, retryWindowMs, version),
          packets,
          info,
        );
        // Short attempts finish before anyone could see them EXECUTING: announcing only the longer ones saves a
        // workflow task per run (retrieve derives EXECUTING from the started activity meanwhile). The time counts
        // from when the code starts: in a burst, executions wait for a runner first.
        let startedAt = new Date().toISOString();
        let announcement: NodeJS.Timeout | undefined;
        const onStart = () => {
          if (announcement) return;
          startedAt = new Date().toISOString();
          announcement = setTimeout(() => announce(startedAt, version), ANNOUNCE_AFTER_MS);
        };
        try {
          const result = await storeAttemptOutput(
            await executor.execute({ info, channel, signal: abort.signal, superseded: superseded.signal, onStart }),
            info,
            packets,
          );
          return { ...result, execution: { token: info.executionId, startedAt, version } };
        } finally {
          clearTimeout(announcement);
        }
      } catch (error) {
        // Retried by Temporal as a new execution of this same attempt (a replay from the journal): not a task failure.
        if (isTemporalUnreachableError(error) || isStaleExecutionError(error))
          throw ApplicationFailure.retryable((error as Error).message, FAILURE_TYPES.infrastructure);
        throw error;
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}

/**
 * Most executions start at once with the info they were scheduled with, and announce themselves later by a signal
 * (no round trip). Runs with a ttl confirm through an update instead, so the workflow cannot expire a started run.
 */
async function startExecution(
  client: Client,
  input: AttemptActivityInput,
  activityAttempt: number,
  retryWindowMs: number,
): Promise<{ info: AttemptStartInfo; announce: (startedAt: string, version?: string) => void }> {
  const handle = client.workflow.getHandle(input.runId);
  if (input.confirmStart) {
    try {
      const updateId = `${input.executionId}/${activityAttempt}:start`;
      const info = await retryTransient(
        () =>
          handle.executeUpdate(startAttemptUpdate, {
            args: [{ executionId: input.executionId, activityAttempt }],
            updateId,
          }),
        "attempt start",
        retryWindowMs,
      );
      return { info, announce: () => undefined };
    } catch (error) {
      if (isTemporalUnreachableError(error)) throw error;
      // The run moved on (expired, canceled, or a newer execution exists): nothing to run.
      throw ApplicationFailure.nonRetryable(
        `attempt ${input.executionId} of ${input.runId} was refused: ${(error as Error).message}`,
        FAILURE_TYPES.attemptRefused,
      );
    }
  }
  const token = `${input.executionId}/${activityAttempt}`;
  return {
    info: { ...input.info, executionId: token, isReplay: input.info.isReplay || activityAttempt > 1 },
    announce: (startedAt, version) =>
      void handle.signal(attemptStartedSignal, { executionId: token, startedAt, version }).catch(() => undefined),
  };
}
