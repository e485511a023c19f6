/**
 * The dashboard's runs list: a page of runs from Temporal's visibility (newest first, with a signed cursor to the
 * next page), or the one run a search by id names. Durations are execution time (the run's compute time), not the
 * time since it was triggered: visibility only knows when the workflow started and closed, which counts the queue.
 */
import pMap from "p-map";
import { z } from "zod";
import type { ListRunsFilter, RunRecord, RunStatus } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { ownedRun } from "../api/ownership.js";
import { statusFlags } from "../api/run-presenter.js";
import type { ApiServices } from "../api/services.js";
import { openCursor, signCursor } from "../api/page-cursor.js";
import { parseValue, periodStart } from "../api/validation.js";

export const runsListQuerySchema = z.object({
  status: z.string().optional(),
  task: z.string().optional(),
  tag: z.string().optional(),
  period: z.enum(["1h", "24h", "7d", "30d"], { message: "period: one of 1h, 24h, 7d, 30d" }).optional(),
  after: z.string().optional(),
  /** Search by run id: the whole id, as the run page and the SDK show it. */
  runId: z
    .string()
    .trim()
    .regex(/^run_[a-z0-9]+$/i, 'runId: a run id looks like "run_…"; paste the whole id')
    .optional()
    .or(z.literal("").transform(() => undefined)),
  limit: z.coerce.number({ message: "limit: a number from 1 to 100" }).int("limit: a whole number from 1 to 100").min(1, "limit: at least 1").max(100, "limit: at most 100").default(50),
});

/** Finished runs' execution times, which never change: read once from the run's state, then kept. */
const FINISHED_DURATIONS_KEPT = 20_000;
const finishedDurations = new Map<string, number>();

function rememberDuration(runId: string, durationMs: number): void {
  finishedDurations.set(runId, durationMs);
  if (finishedDurations.size > FINISHED_DURATIONS_KEPT) finishedDurations.delete(finishedDurations.keys().next().value!);
}

async function withExecutionTimes(services: ApiServices, env: AuthenticatedEnvironment, runs: RunRecord[]): Promise<RunRecord[]> {
  const engine = services.engines.for(env);
  return pMap(
    runs,
    async (run) => {
      if (!statusFlags(run.status).isCompleted) return { ...run, durationMs: 0 };
      let durationMs = finishedDurations.get(run.id);
      if (durationMs === undefined) {
        const state = await engine.runState(run.id).catch(() => undefined);
        if (!state) return { ...run, durationMs: 0 };
        durationMs = state.durationMs;
        rememberDuration(run.id, durationMs);
      }
      return { ...run, durationMs };
    },
    { concurrency: 8 },
  );
}

export async function listRunsForDashboard(services: ApiServices, env: AuthenticatedEnvironment, query: Record<string, string>): Promise<{ data: RunRecord[]; next?: string }> {
  const q = parseValue(runsListQuerySchema, query, "query");
  const engine = services.engines.for(env);
  if (q.runId) {
    const run = await ownedRun(engine, env, q.runId, services.db).catch((error: unknown) => {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    });
    return { data: run ? await withExecutionTimes(services, env, [run]) : [] };
  }
  const filter: ListRunsFilter = {
    status: q.status ? (q.status.split(",") as RunStatus[]) : undefined,
    taskIdentifier: q.task || undefined,
    tag: q.tag || undefined,
    from: q.period ? periodStart(q.period) : undefined,
    limit: q.limit,
    after: openCursor(env, q.after, "after"),
  };
  const page = await engine.listRuns(filter);
  return { data: await withExecutionTimes(services, env, page.data), next: signCursor(env, page.nextCursor) };
}

