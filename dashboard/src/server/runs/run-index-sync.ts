/**
 * Keeps the webapp's run index in step with the engine: every second it asks Temporal's visibility for runs whose
 * status changed since the last pass (StintUpdatedAt) and upserts them, child runs started inside tasks included.
 */
import type { Client } from "@temporalio/client";
import { RUN_WORKFLOW_TYPE, SA } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import { upsertIndexedRuns, type IndexedRun } from "./run-index-sql.js";

const INTERVAL_MS = 1_000;
/** Visibility is eventually consistent: look back a little past the last change seen. */
const OVERLAP_MS = 2_000;
const PAGE = 500;

export class RunIndexSync {
  private timer: NodeJS.Timeout | undefined;
  private watermark = new Date(Date.now() - 60 * 60_000);
  private environments = new Set<string>();
  private environmentsLoadedAt = 0;
  private pass: Promise<unknown> = Promise.resolve();
  /** What the overlap window already indexed (run id → status@updatedAt): read again, but not written again. */
  private written = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly client: Client,
  ) {}

  start(): void {
    const tick = () => {
      const started = Date.now();
      this.pass = this.syncOnce()
        .catch((error: Error) => console.error("[run-index] sync failed; retrying:", error.message))
        .finally(() => {
          // A visibility query costs Temporal more as runs pile up: when passes get slow, space them out so the
          // index never takes more than about a quarter of the server's time (it lags a little under heavy load).
          const took = Date.now() - started;
          if (this.timer !== undefined) this.timer = setTimeout(tick, Math.max(INTERVAL_MS, took * 3));
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** Runs of environments this database does not have (another webapp's, `stint dev` standalone) are skipped. */
  private async knowsEnvironment(id: string): Promise<boolean> {
    if (!this.environments.has(id) && Date.now() - this.environmentsLoadedAt > 1_000) {
      this.environments = new Set((await this.db.runtimeEnvironment.findMany({ select: { id: true } })).map((e) => e.id));
      this.environmentsLoadedAt = Date.now();
    }
    return this.environments.has(id);
  }

  /** One pass; returns how many runs it indexed. */
  async syncOnce(): Promise<number> {
    const since = new Date(this.watermark.getTime() - OVERLAP_MS).toISOString();
    const query = `WorkflowType = '${RUN_WORKFLOW_TYPE}' AND ${SA.updatedAt.name} >= '${since}'`;
    const batch: IndexedRun[] = [];
    const seen = new Map<string, string>();
    let newest = this.watermark;
    let indexed = 0;
    for await (const execution of this.client.workflow.list({ query, pageSize: PAGE })) {
      const attributes = execution.typedSearchAttributes;
      const environmentId = attributes.get(SA.environment);
      if (!environmentId || !(await this.knowsEnvironment(environmentId))) continue;
      const updatedAt = attributes.get(SA.updatedAt) ?? execution.startTime;
      if (updatedAt > newest) newest = updatedAt;
      const memo = (execution.memo ?? {}) as { createdAt?: string };
      const closed = execution.closeTime;
      let status = String(attributes.get(SA.status) ?? "QUEUED");
      if (execution.status.name === "TERMINATED") status = "CRASHED";
      const version = `${status}@${updatedAt.getTime()}@${closed?.getTime() ?? ""}`;
      seen.set(execution.workflowId, version);
      if (this.written.get(execution.workflowId) === version) continue;
      indexed++;
      batch.push({
        id: execution.workflowId,
        environmentId,
        taskIdentifier: String(attributes.get(SA.taskId) ?? ""),
        status,
        tags: (attributes.get(SA.tags) as string[] | undefined) ?? [],
        batchId: attributes.get(SA.batchId) ?? undefined,
        parentRunId: attributes.get(SA.parentRunId) ?? undefined,
        rootRunId: attributes.get(SA.rootRunId) ?? undefined,
        createdAt: memo.createdAt ? new Date(memo.createdAt) : execution.startTime,
        updatedAt,
        finishedAt: closed ?? undefined,
      });
      if (batch.length >= PAGE) await upsertIndexedRuns(this.db, batch.splice(0));
    }
    await upsertIndexedRuns(this.db, batch);
    this.watermark = newest;
    this.written = seen;
    return indexed;
  }
}
