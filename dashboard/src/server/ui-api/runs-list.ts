/**
 * The dashboard's runs list: a page of runs from Temporal's visibility (newest first, with a signed cursor to the
 * next page), or the one run a search by id names. Durations are execution time (see execution-times.ts).
 */
import { z } from "zod";
import type { ListRunsFilter, RunRecord, RunStatus } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { ownedRun } from "../api/ownership.js";
import type { ApiServices } from "../api/services.js";
import { openCursor, signCursor } from "../api/page-cursor.js";
import { parseValue, periodStart } from "../api/validation.js";
import { withExecutionTimes } from "../runs/execution-times.js";

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
  limit: z.coerce
    .number({ message: "limit: a number from 1 to 100" })
    .int("limit: a whole number from 1 to 100")
    .min(1, "limit: at least 1")
    .max(100, "limit: at most 100")
    .default(50),
});

export async function listRunsForDashboard(
  services: ApiServices,
  env: AuthenticatedEnvironment,
  query: Record<string, string>,
): Promise<{ data: RunRecord[]; next?: string }> {
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
