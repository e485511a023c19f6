/**
 * A Stint worker process: the engine worker (run/token workflows + engine activities) and the attempt worker
 * (executes attempts through an executor). `stint dev` runs both; a supervisor runs only attempts.
 */
import { NativeConnection, Worker } from "@temporalio/worker";
import type { Client } from "@temporalio/client";
import { createAttemptActivities } from "../activities/attempt-activity.js";
import { createEngineActivities } from "../activities/engine-activities.js";
import type { AttemptExecutor } from "../executor/executor.js";
import { engineWorkflowBundle } from "./workflow-bundle.js";

export interface StintWorkersOptions {
  client: Client;
  address: string;
  namespace?: string;
  workflowTaskQueue: string;
  /** Omit to run only the engine worker. */
  attempts?: { taskQueue: string; executor: AttemptExecutor; maxConcurrent?: number };
  runEngine?: boolean;
}

export interface StintWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createStintWorkers(options: StintWorkersOptions): Promise<StintWorkers> {
  const connection = await NativeConnection.connect({ address: options.address });
  const namespace = options.namespace ?? "default";
  const workers: Worker[] = [];
  const attemptOptions = options.attempts && {
    activities: createAttemptActivities(options.client, options.attempts.executor),
    maxConcurrentActivityTaskExecutions: options.attempts.maxConcurrent ?? 100,
    // Cancellation reaches an attempt with a heartbeat response: keep heartbeats frequent so a cancel lands fast.
    maxHeartbeatThrottleInterval: "1 second",
  };
  // Co-located (one queue for runs and attempts, as in `stint dev`): one worker, so Temporal can hand an attempt
  // straight back to the worker that scheduled it (eager activity dispatch) instead of going through matching.
  const colocated = options.runEngine !== false && options.attempts?.taskQueue === options.workflowTaskQueue;
  if (options.runEngine !== false) {
    workers.push(
      await Worker.create({
        connection,
        namespace,
        taskQueue: options.workflowTaskQueue,
        workflowBundle: await engineWorkflowBundle(),
        ...(colocated ? attemptOptions : {}),
        activities: { ...createEngineActivities(options.client, options.workflowTaskQueue), ...(colocated ? attemptOptions!.activities : {}) },
      }),
    );
  }
  if (attemptOptions && !colocated) {
    workers.push(await Worker.create({ connection, namespace, taskQueue: options.attempts!.taskQueue, ...attemptOptions }));
  }
  let running: Promise<void> | undefined;
  return {
    workers,
    run() {
      running ??= Promise.all(workers.map((w) => w.run())).then(() => connection.close());
      return running;
    },
    async shutdown() {
      for (const worker of workers) if (worker.getState() === "RUNNING") worker.shutdown();
      await running;
    },
  };
}
