/**
 * The worker that runs a task has its code, so it has the last word on the task's queue. A run triggered before any
 * worker declared its queues was admitted against what the engine knew then: the task's own queue, with no limit (so
 * no gate). Before running an execution, the attempt activity checks its admission against the code's declarations
 * and, if it falls short, sends the run back to the right queue's gate without running any task code.
 */
import type { DeclaredQueue } from "@stint/sdk/runtime";
import type { AttemptRequeue, ExecutionAdmission } from "../shared/run-types.js";

export function checkAdmission(
  admission: ExecutionAdmission | undefined,
  taskId: string,
  declared: DeclaredQueue[],
): AttemptRequeue | undefined {
  if (!admission) return undefined;
  // A queue the trigger named stays the run's; a guessed one gives way to the queue the code puts the task on.
  const queue =
    declared.find((q) => q.name === admission.queue) ??
    (admission.named ? undefined : declared.find((q) => q.tasks.includes(taskId)));
  if (!queue) return undefined;
  const moved = queue.name !== admission.queue;
  const ungatedUnderLimit = !admission.gated && queue.concurrencyLimit !== null;
  return moved || ungatedUnderLimit
    ? { kind: "requeue", queue: queue.name, declaredLimit: queue.concurrencyLimit }
    : undefined;
}
