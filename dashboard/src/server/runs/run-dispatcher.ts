/**
 * Starts the runs the trigger API accepted. The API answers once the run is in PostgreSQL (the outbox), so its
 * latency does not include Temporal's; this loop then starts the runs on Temporal in parallel, under the run ids
 * already handed out. Starting is idempotent (same workflow id), so a retry after a crash never makes a second run.
 *
 * One run that cannot be started never holds up the others: an item that cannot be decoded or that the engine
 * refuses fails that run at once (SYSTEM_FAILURE, with a note on the run); any other error puts it aside with a
 * growing delay and fails it after MAX_FAILED_STARTS. Only Temporal being unreachable retries everything as it is.
 */
import type { BatchItemWire } from "@stint/sdk/runtime";
import { isEngineUnavailable } from "@stint/temporal-workers";
import { environmentById, type AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentEngines } from "../engine/environment-engines.js";
import type { EventStore } from "../events/event-store.js";
import { noteOnRun } from "../events/run-notes.js";
import {
  claimOutboxRuns,
  deferOutboxRun,
  releaseOutboxRuns,
  removeFromOutbox,
  type ClaimedRun,
} from "./run-outbox-sql.js";

const BATCH = 200;
const PARALLEL = 32;
const LEASE_MS = 30_000;
const IDLE_POLL_MS = 1_000;
/** Starts that failed for another reason than Temporal being unreachable, before the run is failed. */
const MAX_FAILED_STARTS = 10;
const MAX_DEFER_MS = 60_000;

export class RunDispatcher {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly environments = new Map<string, AuthenticatedEnvironment>();

  constructor(
    private readonly db: Database,
    private readonly engines: EnvironmentEngines,
    private readonly events: EventStore,
    /** While Temporal is unreachable, rounds are skipped quietly (runs wait in the outbox; nothing is lost). */
    private readonly engineReachable: () => boolean = () => true,
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
        if (this.engineReachable()) claimed = await claimOutboxRuns(this.db, BATCH, LEASE_MS);
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
    const done: string[] = [];
    const unavailable: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, claimed.length) }, async () => {
        while (next < claimed.length) {
          const run = claimed[next++]!;
          try {
            if (run.decodeError) {
              await this.fail(run, `its stored trigger could not be read (${run.decodeError})`);
            } else {
              const env = await this.environment(run.environmentId);
              await this.engines.for(env).trigger(run.item as BatchItemWire, { runId: run.runId });
            }
            done.push(run.runId);
          } catch (error) {
            const status = (error as { status?: number }).status;
            const message = (error as Error).message;
            if (isEngineUnavailable(error)) {
              unavailable.push(run.runId);
            } else if ((status && status >= 400 && status < 500) || run.attempts >= MAX_FAILED_STARTS) {
              // Refused by the engine (validated at trigger time, so rare), or failing every time: it would never start.
              await this.fail(
                run,
                status
                  ? `the engine refused to start it: ${message}`
                  : `it could not be started in ${run.attempts} tries: ${message}`,
              ).then(
                () => done.push(run.runId),
                (failError: Error) =>
                  console.error(`[dispatcher] run ${run.runId} could not be marked failed: ${failError.message}`),
              );
            } else {
              console.error(
                `[dispatcher] run ${run.runId} could not be started (try ${run.attempts} of ${MAX_FAILED_STARTS}): ${message}`,
              );
              await deferOutboxRun(this.db, run.runId, Math.min(MAX_DEFER_MS, 1_000 * 2 ** run.attempts)).catch(
                () => undefined,
              );
            }
          }
        }
      }),
    );
    await removeFromOutbox(this.db, done);
    await releaseOutboxRuns(this.db, unavailable);
    if (unavailable.length > 0) {
      console.error(
        `[dispatcher] ${unavailable.length} run(s) could not be started yet (Temporal unreachable); retrying`,
      );
      await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
  }

  /** Ends a run that will never start, with a note on it saying why. */
  private async fail(run: ClaimedRun, reason: string): Promise<void> {
    await this.db.taskRun.updateMany({
      where: { id: run.runId },
      data: { status: "SYSTEM_FAILURE", finishedAt: new Date(), updatedAt: new Date() },
    });
    await noteOnRun(
      this.events,
      { environmentId: run.environmentId, runId: run.runId },
      `the run failed before it started: ${reason}`,
    );
  }

  private async environment(id: string): Promise<AuthenticatedEnvironment> {
    let env = this.environments.get(id);
    if (!env) {
      env = await environmentById(this.db, id);
      if (!env) throw new Error(`environment ${id} does not exist`);
      this.environments.set(id, env);
    }
    return env;
  }
}
