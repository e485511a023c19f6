/**
 * A `stint dev` session's link to one Temporal address: a client connection (for the attempts' calls back to their
 * runs), one worker connection shared by the workers of every task queue the session polls, and those workers.
 *
 * At the same address the SDK reconnects by itself when Temporal comes back; a worker that stopped meanwhile is
 * started again by `poll`. When Temporal moves, the session opens a new link at the new address and closes this one.
 */
import { Client, type Connection } from "@temporalio/client";
import {
  connectTemporal,
  RECONNECT_CHANNEL_ARGS,
  connectWorkers,
  createStintWorkers,
  stintDataConverter,
  type AttemptExecutor,
  type PacketStore,
  type StintWorkers,
} from "@stint/temporal-workers";

/** How the session runs attempts: its executor, and where large payloads and outputs go. */
export interface LinkAttempts {
  executor: AttemptExecutor;
  packets?: PacketStore;
}

type NativeConnection = Awaited<ReturnType<typeof connectWorkers>>;

interface QueueWorkers {
  workers: StintWorkers;
  stopped: boolean;
}

const CLOSE_TIMEOUT_MS = 10_000;
/**
 * How long a link left behind keeps its client connection open. The Temporal client retries a failed call on a timer
 * (up to 10 tries, 5 s apart at most) and that timer throws, uncaught, if the channel was closed meanwhile: a probe or
 * an attempt's call to its run that failed just before a move would crash the session.
 */
const RETIRED_CONNECTION_LINGER_MS = 60_000;

export class TemporalLink {
  private readonly queues = new Map<string, QueueWorkers>();
  private closed = false;

  private constructor(
    readonly address: string,
    readonly namespace: string,
    readonly connection: Connection,
    readonly client: Client,
    private readonly native: NativeConnection,
    private readonly attempts: LinkAttempts,
  ) {}

  /** Connects to `address` (fails if Temporal does not answer there). */
  static async open(address: string, namespace: string, attempts: LinkAttempts): Promise<TemporalLink> {
    const connection = await connectTemporal({
      address,
      channelArgs: RECONNECT_CHANNEL_ARGS,
      connectTimeout: 5_000,
    });
    try {
      const native = await connectWorkers(address);
      return new TemporalLink(
        address,
        namespace,
        connection,
        new Client({ connection, namespace, dataConverter: stintDataConverter }),
        native,
        attempts,
      );
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** Polls these task queues (each once; a queue whose workers stopped gets new ones). */
  async poll(queues: string[]): Promise<void> {
    for (const queue of queues) {
      if (this.closed) return;
      const existing = this.queues.get(queue);
      if (existing && !existing.stopped) continue;
      const workers = await createStintWorkers({
        client: this.client,
        address: this.address,
        namespace: this.namespace,
        connection: this.native,
        workflowTaskQueue: queue,
        runEngine: false,
        attempts: { taskQueue: queue, ...this.attempts },
      });
      const entry: QueueWorkers = { workers, stopped: false };
      // A worker stops for good after a long outage: note it, the session starts a new one when Temporal is back.
      void workers.run().then(
        () => (entry.stopped = true),
        () => (entry.stopped = true),
      );
      this.queues.set(queue, entry);
    }
  }

  /** Stops the workers (waiting for running attempts up to a limit: an unreachable server may never answer). */
  async close(): Promise<void> {
    await this.stopWorkers();
    await this.connection.close().catch(() => undefined);
  }

  /** Like close, for a link the session moved away from while it goes on: the client connection closes later. */
  async retire(): Promise<void> {
    await this.stopWorkers();
    setTimeout(() => void this.connection.close().catch(() => undefined), RETIRED_CONNECTION_LINGER_MS).unref();
  }

  private async stopWorkers(): Promise<void> {
    this.closed = true;
    const shutdown = Promise.all([...this.queues.values()].map((q) => q.workers.shutdown().catch(() => undefined)));
    await Promise.race([shutdown, new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
    await this.native.close().catch(() => undefined);
  }
}
