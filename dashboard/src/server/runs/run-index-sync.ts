/**
 * Keeps the webapp's run index in step with the engine: every second it asks Temporal's visibility for runs whose
 * status changed since the last pass (StintUpdatedAt) and upserts them, child runs started inside tasks included.
 */
import type { RunChange } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import { isRefusedValue, refusalReason } from "../database/refused-value.js";
import { toStorable } from "../database/storable-text.js";
import type { EventStore } from "../events/event-store.js";
import { noteOnRun } from "../events/run-notes.js";
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
    /** The engine's runs changed since a time (`listRunChanges` over the webapp's Temporal client). */
    private readonly runChanges: (since: Date, pageSize: number) => AsyncIterable<RunChange>,
    /** Where a run the index cannot store gets its note. */
    private readonly events: EventStore,
    /** While Temporal is unreachable, passes are skipped quietly (the index catches up when it is back). */
    private readonly engineReachable: () => boolean = () => true,
  ) {}

  start(): void {
    const tick = () => {
      const started = Date.now();
      this.pass = (this.engineReachable() ? this.syncOnce() : Promise.resolve())
        .catch((error: unknown) => console.error("[run-index] sync failed; retrying:", refusalReason(error)))
        .finally(() => {
          // A visibility query costs Temporal more as runs pile up: when passes get slow, space them out so the
          // index takes no more than about a seventh of the server's time (it lags a few seconds under heavy load;
          // at a quarter, a burst of 1,000 runs spent a fifth of its server time listing them).
          const took = Date.now() - started;
          if (this.timer !== undefined) this.timer = setTimeout(tick, Math.max(INTERVAL_MS, took * 6));
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
      this.environments = new Set(
        (await this.db.runtimeEnvironment.findMany({ select: { id: true } })).map((e) => e.id),
      );
      this.environmentsLoadedAt = Date.now();
    }
    return this.environments.has(id);
  }

  /** One pass; returns how many runs it indexed. */
  async syncOnce(): Promise<number> {
    const since = new Date(this.watermark.getTime() - OVERLAP_MS);
    // By run: a run that changes while the pass pages through visibility is listed again on a later page, and one
    // statement may not upsert the same row twice (PostgreSQL refuses it), so a batch holds its newest snapshot.
    const batch = new Map<string, IndexedRun>();
    const seen = new Map<string, string>();
    let newest = this.watermark;
    let indexed = 0;
    for await (const change of this.runChanges(since, PAGE)) {
      if (!(await this.knowsEnvironment(change.environmentId))) continue;
      if (change.updatedAt > newest) newest = change.updatedAt;
      const version = `${change.status}@${change.updatedAt.getTime()}@${change.finishedAt?.getTime() ?? ""}`;
      seen.set(change.runId, version);
      if (this.written.get(change.runId) === version) continue;
      indexed++;
      const { runId, ...fields } = change;
      const listed = batch.get(runId);
      if (listed === undefined || listed.updatedAt <= fields.updatedAt) batch.set(runId, { id: runId, ...fields });
      if (batch.size >= PAGE) await this.flush(batch);
    }
    await this.flush(batch);
    this.watermark = newest;
    this.written = seen;
    return indexed;
  }

  private async flush(batch: Map<string, IndexedRun>): Promise<void> {
    const runs = [...batch.values()];
    batch.clear();
    await this.write(runs);
  }

  /**
   * One statement for the batch. A run PostgreSQL refuses (its tags hold a NUL, say) must not stop the index for
   * every other run: it is written alone, then with its text made storable and a note on the run, or skipped with
   * a note. The database being unreachable still fails the pass (retried from the same watermark).
   */
  private async write(runs: IndexedRun[]): Promise<void> {
    try {
      await upsertIndexedRuns(this.db, runs);
      return;
    } catch (error) {
      if (!isRefusedValue(error)) throw error;
    }
    for (const run of runs) {
      try {
        await upsertIndexedRuns(this.db, [run]);
      } catch (error) {
        if (!isRefusedValue(error)) throw error;
        const repaired: IndexedRun = {
          ...run,
          taskIdentifier: toStorable(run.taskIdentifier),
          tags: toStorable(run.tags),
          batchId: toStorable(run.batchId),
          parentRunId: toStorable(run.parentRunId),
          rootRunId: toStorable(run.rootRunId),
        };
        const kept = await upsertIndexedRuns(this.db, [repaired]).then(
          () => true,
          (second: unknown) => {
            if (!isRefusedValue(second)) throw second;
            return false;
          },
        );
        await noteOnRun(
          this.events,
          { environmentId: run.environmentId, runId: run.id },
          `the run index could not store this run as the engine has it (${refusalReason(error)}); ${kept ? "it is listed with U+FFFD in place of the characters PostgreSQL cannot store" : "it is missing from the dashboard's lists"}`,
        );
      }
    }
  }
}
