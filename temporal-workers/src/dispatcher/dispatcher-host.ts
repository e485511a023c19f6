/**
 * Runs the engine's dispatcher in a worker process: one per engine. A process that may not lead yet (another one
 * holds the leadership, e.g. a PostgreSQL advisory lock) keeps asking and takes over when it frees; the leader also
 * polls the dispatcher's task queue, where processes without the dispatcher forward their runs' admissions.
 */
import { WorkflowNotFoundError, type Client } from "@temporalio/client";
import { Worker, type NativeConnection } from "@temporalio/worker";
import { Dispatcher, RunGoneError, type DispatcherOptions } from "./dispatcher.js";
import type { LeaseStore } from "./lease-store.js";
import { processMemoryStore } from "./memory-lease-store.js";
import { registerLocalDispatcher } from "./local-dispatchers.js";
import { closedRuns } from "../client/closed-runs.js";
import { admissionGrantedSignal } from "../shared/messages.js";
import { dispatchTaskQueue } from "../shared/dispatch.js";
import { stintDataConverter } from "../shared/data-converter.js";
import { createDispatchActivities } from "../activities/dispatch-activities.js";

/** Who may run the dispatcher: exactly one process per engine at a time. */
export interface DispatcherLeadership {
  /** True if this process leads now (and until `resign` or its death). */
  tryAcquire(): Promise<boolean>;
  resign(): Promise<void>;
}

export interface DispatcherHosting {
  /** Where the dispatcher's state lives (default: this process's memory, for a standalone engine without a database). */
  store?: LeaseStore;
  /** Default: this process always leads (one engine process). */
  leadership?: DispatcherLeadership;
  /** How often a standby asks for the leadership. */
  standbyPollMs?: number;
  /** Called once this process leads, before it admits anything (environment limits, organisations). */
  onLeading?(dispatcher: Dispatcher): Promise<void> | void;
  tuning?: Partial<Omit<DispatcherOptions, "store" | "notify" | "closedRuns">>;
}

export interface HostedDispatcher {
  /** Resolves once this process leads and its dispatcher answers. */
  readonly leading: Promise<Dispatcher>;
  current(): Dispatcher | undefined;
  stop(): Promise<void>;
}

export async function hostDispatcher(
  client: Client,
  connection: NativeConnection,
  namespace: string,
  workflowTaskQueue: string,
  hosting: DispatcherHosting = {},
): Promise<HostedDispatcher> {
  const store = hosting.store ?? processMemoryStore(workflowTaskQueue);
  let dispatcher: Dispatcher | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let unregister: (() => void) | undefined;
  let stopped = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let resolveLeading!: (d: Dispatcher) => void;
  const leading = new Promise<Dispatcher>((resolve) => (resolveLeading = resolve));

  const lead = async () => {
    const started = new Dispatcher({
      ...hosting.tuning,
      store,
      closedRuns: (runIds) => closedRuns(client, runIds),
      async notify(runId, ticket) {
        try {
          await client.workflow.getHandle(runId).signal(admissionGrantedSignal, { ticket });
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) throw new RunGoneError(runId);
          throw error;
        }
      },
    });
    await hosting.onLeading?.(started);
    await started.start();
    dispatcher = started;
    unregister = registerLocalDispatcher(workflowTaskQueue, started);
    worker = await Worker.create({
      connection,
      namespace,
      taskQueue: dispatchTaskQueue(workflowTaskQueue),
      dataConverter: stintDataConverter,
      activities: createDispatchActivities(workflowTaskQueue, true),
    });
    workerRun = worker.run();
    resolveLeading(started);
  };

  const attempt = async (): Promise<boolean> => {
    if (stopped) return false;
    if (hosting.leadership && !(await hosting.leadership.tryAcquire())) return false;
    await lead();
    return true;
  };

  if (!(await attempt())) {
    const poll = () => {
      pollTimer = setTimeout(() => {
        attempt().then(
          (led) => (led ? undefined : poll()),
          (error) => {
            console.error("[stint dispatcher] taking the leadership failed", error);
            poll();
          },
        );
      }, hosting.standbyPollMs ?? 2_000);
      pollTimer.unref();
    };
    poll();
  }

  return {
    leading,
    current: () => dispatcher,
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      if (worker?.getState() === "RUNNING") worker.shutdown();
      await workerRun?.catch(() => undefined);
      unregister?.();
      await dispatcher?.stop();
      if (dispatcher) await hosting.leadership?.resign();
    },
  };
}
