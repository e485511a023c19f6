/**
 * A Stint worker process: the engine worker (run/token workflows + engine activities), the queue-gate worker (only
 * while there are gates: see gate-worker.ts), and the attempt worker (executes attempts through an executor).
 * `stint dev` runs all; a supervisor runs only attempts.
 */
import { NativeConnection, Worker } from "@temporalio/worker";
import type { Client } from "@temporalio/client";
import { createAttemptActivities } from "../activities/attempt-activity.js";
import { createEngineActivities } from "../activities/engine-activities.js";
import type { AttemptExecutor } from "../executor/executor.js";
import type { PacketStore } from "../packets/packet-store.js";
import { engineWorkflowBundle } from "./workflow-bundle.js";
import { OnDemandGateWorker } from "./gate-worker.js";
import { gateTaskQueue } from "../shared/queue-gate.js";
import { stintDataConverter } from "../shared/data-converter.js";
import type { AttemptRouter } from "../shared/attempt-routing.js";
import { hostDispatcher, type DispatcherHosting, type HostedDispatcher } from "../dispatcher/dispatcher-host.js";
import { registerStartAdmission } from "../dispatcher/start-admission.js";
import { SoleEngineWatch } from "./sole-engine.js";
import { dispatchSinks } from "./dispatch-sinks.js";

export interface StintWorkersOptions {
  client: Client;
  address: string;
  namespace?: string;
  workflowTaskQueue: string;
  /** Omit to run only the engine worker. */
  attempts?: {
    taskQueue: string;
    executor: AttemptExecutor;
    maxConcurrent?: number;
    /** How long an attempt's calls to Temporal retry transient errors before it ends as an infrastructure failure. */
    temporalRetryWindowMs?: number;
    /** The environment's packet store, where payloads and outputs past the inline limit live (or one per environment). */
    packets?: PacketStore | ((environmentId: string) => PacketStore);
    /** On shutdown, how long running attempts may go on before they are stopped (Temporal retries them elsewhere). */
    shutdownGraceMs?: number;
  };
  runEngine?: boolean;
  /** A worker connection to share (one per process is enough); without one, these workers open and close their own. */
  connection?: NativeConnection;
  /** Routes development runs' executions to live `stint dev` sessions (the webapp's engine worker). */
  attemptRouter?: AttemptRouter;
  /** Where the engine's dispatcher keeps its state and who leads (default: in memory, this process). */
  dispatcher?: DispatcherHosting;
}

export interface StintWorkers {
  workers: Worker[];
  /** The engine's dispatcher (absent without the engine worker). */
  dispatcher?: HostedDispatcher;
  /** Resolves when every worker has stopped. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A worker connection that several sets of workers can share (`StintWorkersOptions.connection`). */
export function connectWorkers(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

export async function createStintWorkers(options: StintWorkersOptions): Promise<StintWorkers> {
  const ownConnection = !options.connection;
  const connection = options.connection ?? (await NativeConnection.connect({ address: options.address }));
  const namespace = options.namespace ?? "default";
  const workers: Worker[] = [];
  let gateWorker: OnDemandGateWorker | undefined;
  let dispatcher: HostedDispatcher | undefined;
  let unregisterStartAdmission: (() => void) | undefined;
  const attemptOptions = options.attempts && {
    activities: createAttemptActivities(options.client, options.attempts.executor, {
      temporalRetryWindowMs: options.attempts.temporalRetryWindowMs,
      packets: options.attempts.packets,
    }),
    maxConcurrentActivityTaskExecutions: options.attempts.maxConcurrent ?? 100,
    // Cancellation reaches an attempt with a heartbeat response: keep heartbeats frequent so a cancel lands fast.
    maxHeartbeatThrottleInterval: "1 second",
    ...(options.attempts.shutdownGraceMs !== undefined ? { shutdownGraceTime: options.attempts.shutdownGraceMs } : {}),
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
        dataConverter: stintDataConverter,
        workflowBundle: await engineWorkflowBundle(),
        sinks: dispatchSinks(options.workflowTaskQueue),
        ...(colocated ? attemptOptions : {}),
        activities: {
          ...createEngineActivities(options.client, options.workflowTaskQueue, options.attemptRouter),
          ...(colocated ? attemptOptions!.activities : {}),
        },
      }),
    );
    // Queue gates get workflow task slots of their own (see gateTaskQueue), and a worker only while there are gates.
    const gateQueue = gateTaskQueue(options.workflowTaskQueue);
    gateWorker = new OnDemandGateWorker(options.client, options.workflowTaskQueue, gateQueue, async () =>
      Worker.create({
        connection,
        namespace,
        taskQueue: gateQueue,
        dataConverter: stintDataConverter,
        workflowBundle: await engineWorkflowBundle(),
        activities: createEngineActivities(options.client, options.workflowTaskQueue, options.attemptRouter),
      }),
    );
    await gateWorker.startIfGatesOpen();
    // Runs this process starts are routed and admitted before their workflow starts: see admitAtStart.
    const soleEngine = new SoleEngineWatch(
      options.client,
      namespace,
      options.workflowTaskQueue,
      workers[0]!.options.identity,
    );
    unregisterStartAdmission = registerStartAdmission(options.workflowTaskQueue, {
      router: options.attemptRouter,
      soleEngine: () => soleEngine.isSole(),
    });
    dispatcher = await hostDispatcher(
      options.client,
      connection,
      namespace,
      options.workflowTaskQueue,
      options.dispatcher,
    );
  }
  if (attemptOptions && !colocated) {
    workers.push(
      await Worker.create({
        connection,
        namespace,
        taskQueue: options.attempts!.taskQueue,
        dataConverter: stintDataConverter,
        ...attemptOptions,
      }),
    );
  }
  let others: Promise<unknown> | undefined;
  let gates: Promise<void> | undefined;
  let running: Promise<void> | undefined;
  return {
    // The gate worker is listed once it has started.
    get workers() {
      return gateWorker?.created ? [...workers, gateWorker.created] : workers;
    },
    dispatcher,
    run() {
      others ??= Promise.all(workers.map((w) => w.run()));
      gates ??= gateWorker?.done ?? Promise.resolve();
      // The dispatcher stops after the workflows that ask it, and before the connection its worker uses closes.
      running ??= Promise.all([others, gates])
        .then(() => {
          unregisterStartAdmission?.();
          return dispatcher?.stop();
        })
        .then(() => (ownConnection ? connection.close() : undefined));
      return running;
    },
    async shutdown() {
      // Gates stop last: a run's workflow task that is finishing may still be waiting for its gate's answer.
      for (const worker of workers) if (worker.getState() === "RUNNING") worker.shutdown();
      await others;
      await gateWorker?.shutdown();
      await running;
    },
  };
}
