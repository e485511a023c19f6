/**
 * The queue gates' worker, started only when there is a gate to serve. Runs ask the engine's dispatcher; a gate
 * workflow only serves runs started before the dispatcher existed. Its worker's workflow thread loads a copy of the
 * engine's workflow bundle of its own (~60 MB idle), so an engine with no open gate does without it. It starts when
 * a gate is open at boot, when something in this process is about to start or ask a gate, or when a periodic look
 * finds one opened by another process (a client with no dispatcher of its own).
 */
import type { Client } from "@temporalio/client";
import type { Worker } from "@temporalio/worker";

/** Per engine (its workflow task queue): starts this process's gate worker, if it hosts one. */
const hosts = new Map<string, () => Promise<void>>();

/** Call before starting or asking a queue gate: makes sure this process's gate worker (if any) is polling. */
export function gateWorkerNeeded(workflowTaskQueue: string): Promise<void> {
  return hosts.get(workflowTaskQueue)?.() ?? Promise.resolve();
}

/** How often an engine without a gate worker looks for a gate opened by another process. */
export const GATE_LOOK_INTERVAL_MS = 30_000;

export class OnDemandGateWorker {
  private worker: Promise<Worker> | undefined;
  /** The worker once created (for listing a process's workers). */
  created: Worker | undefined;
  private stopped = false;
  private readonly look: NodeJS.Timeout;
  private readonly unregister: () => void;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  /** Settles when the gate worker has stopped (as its run() does), or at shutdown if it never started. */
  readonly done: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly workflowTaskQueue: string,
    private readonly gateTaskQueue: string,
    private readonly create: () => Promise<Worker>,
    lookIntervalMs = GATE_LOOK_INTERVAL_MS,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    const start = () => this.start();
    hosts.set(workflowTaskQueue, start);
    this.unregister = () => {
      if (hosts.get(workflowTaskQueue) === start) hosts.delete(workflowTaskQueue);
    };
    this.look = setInterval(() => void this.startIfGatesOpen().catch(() => undefined), lookIntervalMs);
    this.look.unref();
  }

  /** The worker, if it was started. */
  async current(): Promise<Worker | undefined> {
    return this.worker?.catch(() => undefined);
  }

  /** At boot (and periodically): starts the worker if a gate workflow of this engine is open. */
  async startIfGatesOpen(): Promise<void> {
    if (this.worker || this.stopped) return;
    const { count } = await this.client.workflow.count(
      `TaskQueue = '${this.gateTaskQueue}' AND ExecutionStatus = 'Running'`,
    );
    if (count > 0) await this.start();
  }

  start(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.worker) {
      clearInterval(this.look);
      this.worker = this.create();
      this.worker.then(
        (worker) => {
          this.created = worker;
          worker.run().then(this.settle.resolve, this.settle.reject);
        },
        // A failed creation is tried again by the next caller.
        () => (this.worker = undefined),
      );
    }
    return this.worker.then(() => undefined);
  }

  /** Stops the worker (if it runs); `done` resolves once it has. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.look);
    this.unregister();
    const worker = await this.current();
    if (worker?.getState() === "RUNNING") worker.shutdown();
    if (!worker) this.settle.resolve();
    await this.done;
  }
}
