/** POST /engine/v1/runs/logs: workers (`stint dev` sessions, supervisors) ship the logs of the runs they execute. */
import { z } from "zod";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody } from "../validation.js";
import { ownedRun } from "../ownership.js";
import { ApiError, notFound } from "../api-error.js";

const logsSchema = z.object({
  logs: z
    .array(
      z.object({
        runId: z.string().regex(/^run_[a-z0-9]+$/i, 'runId: expected "run_…"'),
        attempt: z.number().int().min(1).optional(),
        level: z.enum(["debug", "log", "info", "warn", "error"]),
        message: z.string().max(64 * 1024),
        attributes: z.record(z.unknown()).optional(),
        time: z.coerce.date(),
      }),
    )
    .max(1000, "at most 1000 log lines per request"),
});

export function runLogRoutes(app: ApiApp, services: ApiServices): void {
  app.post("/engine/v1/runs/logs", async (c) => {
    const env = c.get("env");
    // A task that logs a NUL character keeps its log line (with U+FFFD in its place): logs are never refused for it.
    const body = await parseBody(c, logsSchema, { replaceNul: true });
    const runIds = [...new Set(body.logs.map((l) => l.runId))];
    // Only runs of this key's environment take logs: checked against the run index, then the engine for runs the
    // index has not caught up with yet (children started a moment ago). Lines of other runs are skipped, not the batch.
    const indexed = new Set(
      (
        await services.db.taskRun.findMany({
          where: { id: { in: runIds }, environmentId: env.id },
          select: { id: true },
        })
      ).map((r) => r.id),
    );
    const skipped: { runId: string; error: string }[] = [];
    for (const runId of runIds.filter((id) => !indexed.has(id))) {
      try {
        await ownedRun(services.engines.for(env), env, runId, services.db);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
        skipped.push({ runId, error: error.message });
      }
    }
    if (skipped.length === runIds.length && runIds.length > 0) throw notFound(`Run ${skipped[0]!.runId}`);
    const accepted = body.logs.filter((l) => !skipped.some((s) => s.runId === l.runId));
    await services.events.append(accepted.map((l) => ({ ...l, environmentId: env.id, kind: "log" as const })));
    return c.json({ accepted: accepted.length, ...(skipped.length > 0 ? { skipped } : {}) });
  });
}
