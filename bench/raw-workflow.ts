/** The raw-Temporal baselines: a workflow that runs one no-op activity, and the same shaped like a Stint run. */
import { proxyActivities, upsertSearchAttributes } from "@temporalio/workflow";

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: "1 minute" });

export async function rawWorkflow(): Promise<void> {
  await noop();
}

export interface RunShape {
  /** Another worker's task queue, as an attempt goes to a `stint dev` session's (no eager dispatch). */
  activityQueue: string;
  /** Payloads of a run's sizes: the activity's input and result, the workflow's result. */
  activityInput: string;
  activityResult: number;
  result: string;
}

/** rawWorkflow as the Temporal server sees a Stint run: see RunShape, plus one status upsert at the end. */
export async function shapedWorkflow(shape: RunShape): Promise<string> {
  const { echo } = proxyActivities<{ echo(input: string, resultBytes: number): Promise<string> }>({
    startToCloseTimeout: "1 minute",
    taskQueue: shape.activityQueue,
  });
  await echo(shape.activityInput, shape.activityResult);
  upsertSearchAttributes({ StintStatus: ["COMPLETED"], StintUpdatedAt: [new Date()] });
  return shape.result;
}
