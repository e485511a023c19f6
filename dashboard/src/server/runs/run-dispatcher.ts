/**
 * Starts the runs the trigger API accepted. The API answers once the run is in PostgreSQL (the outbox), so its
 * latency does not include Temporal's; this loop then starts the runs on Temporal in parallel, under the run ids
 * already handed out. Starting is idempotent (same workflow id), so a retry after a crash never makes a second run.
 */
import type { BatchItemWire } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import { claimOutboxRuns, releaseOutboxRuns, removeFromOutbox, type ClaimedRun } from "./run-outbox-sql.js";

const BATCH = 200;
const PARALLEL = 32;
const LEASE_MS = 30_000;
const IDLE_POLL_MS = 1_000;

export class RunDispatcher {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly environments = new Map<string, AuthenticatedEnvironment>();

  constructor(
    private readonly db: Database,
    private readonly engines: EnvironmentEngines,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Called after the API wrote runs: dispatch now instead of at the next poll. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedRun[] = [];
      try {
        claimed = await claimOutboxRuns(this.db, BATCH, LEASE_MS);
        if (claimed.length > 0) await this.dispatch(claimed);
      } catch (error) {
        console.error("[dispatcher] round failed; retrying:", (error as Error).message);
      }
      if (claimed.length < BATCH) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private async dispatch(claimed: ClaimedRun[]): Promise<void> {
    const started: string[] = [];
    const failed: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, claimed.length) }, async () => {
        while (next < claimed.length) {
          const run = claimed[next++]!;
          try {
            const env = await this.environment(run.environmentId);
            await this.engines.for(env).trigger(run.item as BatchItemWire, { runId: run.runId });
            started.push(run.runId);
          } catch (error) {
            const status = (error as { status?: number }).status;
            // The engine refusing the item (validated at trigger time, so rare) would refuse it forever: drop it.
            if (status && status >= 400 && status < 500) {
              console.error(`[dispatcher] run ${run.runId} refused by the engine: ${(error as Error).message}`);
              await this.db.taskRun.updateMany({ where: { id: run.runId }, data: { status: "SYSTEM_FAILURE", finishedAt: new Date(), updatedAt: new Date() } });
              started.push(run.runId);
            } else failed.push(run.runId);
          }
        }
      }),
    );
    await removeFromOutbox(this.db, started);
    await releaseOutboxRuns(this.db, failed);
    if (failed.length > 0) {
      console.error(`[dispatcher] ${failed.length} run(s) could not be started yet (is Temporal reachable?); retrying`);
      await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
  }

  private async environment(id: string): Promise<AuthenticatedEnvironment> {
    let env = this.environments.get(id);
    if (!env) {
      const row = await this.db.runtimeEnvironment.findUniqueOrThrow({ where: { id }, include: { project: true } });
      env = { id: row.id, slug: row.slug, type: row.type, projectId: row.projectId, projectRef: row.project.ref, organizationId: row.project.organizationId, jwtSigningSecret: row.jwtSigningSecret };
      this.environments.set(id, env);
    }
    return env;
  }
}
