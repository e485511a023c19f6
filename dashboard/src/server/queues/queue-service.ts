/**
 * Queues of an environment: the TaskQueue rows say which queues exist (declared by the code a worker registered),
 * the engine's queue gates hold the live figures and enforce pause and limits. Rows keep paused/override too, so a
 * gate that is recreated gets its settings back.
 */
import pMap from "p-map";
import type { QueueItemWire } from "@stint/sdk/runtime";
import { needsGate, type QueueConfiguration, type QueueSnapshot } from "@stint/temporal-workers";
import { newId } from "../auth/secrets.js";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import type { SharedQueueDirectory } from "./shared-queue-directory.js";
import { notFound } from "../api/api-error.js";
import { defaultQueueName } from "@stint/sdk/core";

/** Queues declared at once when a worker registers. */
const DECLARE_CONCURRENCY = 16;

export interface DeclaredQueueInput {
  name: string;
  type: "task" | "custom";
  concurrencyLimit: number | null;
  /** Tasks whose runs go to this queue unless a trigger names another. */
  tasks: string[];
}

/** How the SDK names a queue: by id (`queue_…`), or by type and name (a task queue's name is its task id). */
export interface QueueRef {
  type: "id" | "task" | "custom";
  value: string;
}

type TaskCounts = Map<string, { queued: number; running: number }>;
type QueueRow = {
  id: string;
  name: string;
  type: string;
  concurrencyLimit: number | null;
  concurrencyLimitOverride: number | null;
  paused: boolean;
  tasks: string[];
};

export class QueueService {
  constructor(
    private readonly db: Database,
    private readonly engines: EnvironmentEngines,
    private readonly directory: SharedQueueDirectory,
  ) {}

  /** Records the queues a worker's code declares and hands their limits to the engine. */
  async declare(env: AuthenticatedEnvironment, queues: DeclaredQueueInput[]): Promise<void> {
    const { concurrencyLimit: defaultLimit } = await this.db.runtimeEnvironment.findUniqueOrThrow({
      where: { id: env.id },
      select: { concurrencyLimit: true },
    });
    const engine = this.engines.for(env);
    // A few at a time: a project of 200 queues (one per task) registers within the request's Temporal deadline.
    await pMap(
      queues,
      async (queue) => {
        const row = await this.db.taskQueue.upsert({
          where: { environmentId_name: { environmentId: env.id, name: queue.name } },
          create: {
            id: newId("queue_"),
            environmentId: env.id,
            name: queue.name,
            type: queue.type,
            concurrencyLimit: queue.concurrencyLimit,
            tasks: queue.tasks,
          },
          update: { type: queue.type, concurrencyLimit: queue.concurrencyLimit, tasks: queue.tasks },
        });
        await engine.configureQueue(queue.name, {
          declaredLimit: queue.concurrencyLimit,
          defaultLimit,
          paused: row.paused,
          overrideLimit: row.concurrencyLimitOverride,
        });
      },
      { concurrency: DECLARE_CONCURRENCY },
    );
    this.directory.forget(env.id);
  }

  async list(env: AuthenticatedEnvironment, page: number, perPage: number) {
    const where = { environmentId: env.id };
    const [total, rows] = await Promise.all([
      this.db.taskQueue.count({ where }),
      this.db.taskQueue.findMany({ where, orderBy: { name: "asc" }, skip: (page - 1) * perPage, take: perPage }),
    ]);
    const counts = this.indexCounts(env.id);
    const data = await Promise.all(
      rows.map(async (row) => this.present(row, await this.engines.for(env).describeQueue(row.name), counts)),
    );
    return {
      data,
      pagination: { currentPage: page, totalPages: Math.max(1, Math.ceil(total / perPage)), count: total },
    };
  }

  async retrieve(env: AuthenticatedEnvironment, ref: QueueRef): Promise<QueueItemWire> {
    const row = await this.find(env, ref);
    return this.present(row, await this.engines.for(env).describeQueue(row.name), this.indexCounts(env.id));
  }

  async setPaused(env: AuthenticatedEnvironment, ref: QueueRef, paused: boolean): Promise<QueueItemWire> {
    const row = await this.find(env, ref);
    const snapshot = await this.engines.for(env).configureQueue(row.name, { paused });
    return this.present(
      await this.db.taskQueue.update({ where: { id: row.id }, data: { paused } }),
      snapshot,
      this.indexCounts(env.id),
    );
  }

  /** `null` resets the override: the declared limit (or the environment's) applies again. */
  async overrideLimit(env: AuthenticatedEnvironment, ref: QueueRef, limit: number | null): Promise<QueueItemWire> {
    const row = await this.find(env, ref);
    const snapshot = await this.engines.for(env).configureQueue(row.name, { overrideLimit: limit });
    return this.present(
      await this.db.taskQueue.update({ where: { id: row.id }, data: { concurrencyLimitOverride: limit } }),
      snapshot,
      this.indexCounts(env.id),
    );
  }

  /**
   * The dispatcher's settings of a queue beyond pause and limit: per-key limit and rate limits (null removes one).
   * Kept by the dispatcher's store, so they survive restarts and a new leader, whichever process is asked.
   */
  async configure(
    env: AuthenticatedEnvironment,
    ref: QueueRef,
    change: Pick<QueueConfiguration, "concurrencyLimitPerKey" | "rateLimit" | "rateLimitPerKey">,
  ): Promise<QueueItemWire> {
    const row = await this.find(env, ref);
    const snapshot = await this.engines.for(env).configureQueue(row.name, change);
    return this.present(row, snapshot, this.indexCounts(env.id));
  }

  private async find(env: AuthenticatedEnvironment, ref: QueueRef): Promise<QueueRow> {
    const where =
      ref.type === "id"
        ? ref.value.startsWith("queue_")
          ? { id: ref.value, environmentId: env.id }
          : { name: ref.value, environmentId: env.id }
        : { name: ref.type === "task" ? defaultQueueName(ref.value) : ref.value, environmentId: env.id };
    const row = await this.db.taskQueue.findFirst({ where });
    if (!row) throw notFound(`Queue ${ref.type === "id" ? "" : `${ref.type} `}${ref.value}`);
    return row;
  }

  /**
   * Queued and running runs per task, from the run index (for queues whose runs skip the gate): read at most once
   * per call, and only if some queue needs it.
   */
  private indexCounts(environmentId: string): () => Promise<TaskCounts> {
    let loading: Promise<TaskCounts> | undefined;
    return () => (loading ??= this.readIndexCounts(environmentId));
  }

  private async readIndexCounts(environmentId: string): Promise<TaskCounts> {
    const groups = await this.db.taskRun.groupBy({
      by: ["taskIdentifier", "status"],
      where: { environmentId, status: { in: ["QUEUED", "DEQUEUED", "EXECUTING"] } },
      _count: { _all: true },
    });
    const counts: TaskCounts = new Map();
    for (const group of groups) {
      const entry = counts.get(group.taskIdentifier) ?? { queued: 0, running: 0 };
      if (group.status === "QUEUED") entry.queued += group._count._all;
      else entry.running += group._count._all;
      counts.set(group.taskIdentifier, entry);
    }
    return counts;
  }

  private async present(
    row: QueueRow,
    live: QueueSnapshot,
    indexCounts: () => Promise<TaskCounts>,
  ): Promise<QueueItemWire> {
    // Runs of a queue without limit or pause never ask its gate: count them from the run index instead.
    if (!needsGate(live)) {
      const counts = await indexCounts();
      const tasks = row.tasks.length > 0 ? row.tasks : [row.name.replace(/^task\//, "")];
      live = { ...live, running: 0, queued: 0 };
      for (const task of tasks) {
        live.running += counts.get(task)?.running ?? 0;
        live.queued += counts.get(task)?.queued ?? 0;
      }
    }
    return {
      id: row.id,
      name: row.type === "task" ? row.name.replace(/^task\//, "") : row.name,
      type: row.type as "task" | "custom",
      running: live.running,
      queued: live.queued,
      paused: live.paused,
      concurrencyLimit: live.limit,
      concurrency: {
        current: live.limit,
        base: row.concurrencyLimit,
        override: live.overrideLimit,
        overriddenAt: live.overriddenAt,
        overriddenBy: null,
      },
      scheduling: {
        concurrencyLimitPerKey: live.concurrencyLimitPerKey ?? null,
        rateLimit: live.rateLimit ?? null,
        rateLimitPerKey: live.rateLimitPerKey ?? null,
        keys: live.keys ?? [],
      },
    };
  }
}
