/** Runs: retrieve, list, cancel, replay, reschedule, metadata, tags and result. */
import type { Context } from "hono";
import { z } from "zod";
import { isFinalStatus, RUN_STATUSES } from "@stint/sdk/core";
import type { ListRunsFilter, MetadataOperation, RunRecord, RunStatus } from "@stint/sdk/runtime";
import { isPacketRef } from "@stint/temporal-workers";
import { ApiError, notFound } from "../api-error.js";
import { ownedRun } from "../ownership.js";
import { decodePacket, encodePacket } from "../packets.js";
import { rescheduleInOutbox, withdrawFromOutbox } from "../../runs/run-outbox-sql.js";
import { presentListedRun, presentRetrievedRun } from "../run-presenter.js";
import { withExecutionTimes } from "../../runs/execution-times.js";
import type { ApiApp, ApiEnv, ApiServices } from "../services.js";
import { tagsSchema } from "../trigger-body.js";
import { openCursor, signCursor } from "../page-cursor.js";
import { MAX_TAGS_PER_RUN, addRunTags } from "../../runs/run-tags.js";
import { PERIOD, parseBody, parseValue, periodStart, queryDate, runIdParam } from "../validation.js";

const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
);

const listQuerySchema = z.object({
  "filter[status]": csv
    .pipe(
      z.array(z.enum(RUN_STATUSES, { errorMap: () => ({ message: `expected one of ${RUN_STATUSES.join(", ")}` }) })),
    )
    .optional(),
  "filter[taskIdentifier]": csv.optional(),
  "filter[tag]": csv.optional(),
  "filter[batch]": z
    .string()
    .regex(/^batch_[a-z0-9]+$/i, 'expected a batch id like "batch_…"')
    .optional(),
  /** Runs a schedule started (Trigger.dev's filter; they carry no tag for it). */
  "filter[schedule]": z
    .string()
    .regex(/^sched_[a-z0-9]+$/i, 'expected a schedule id like "sched_…"')
    .optional(),
  "filter[createdAt][from]": queryDate.optional(),
  "filter[createdAt][to]": queryDate.optional(),
  "filter[createdAt][period]": z.string().regex(PERIOD, 'expected a period like "1h", "7d" or "30m"').optional(),
  "filter[isTest]": z.enum(["true", "false"]).optional(),
  "page[size]": z.coerce
    .number()
    .int()
    .min(1, "page[size] must be at least 1")
    .max(100, "page[size] is at most 100")
    .optional(),
  "page[after]": z.string().max(2048, "page[after]: not a cursor this API returned").optional(),
  "page[before]": z.string().optional(),
});

const metadataBodySchema = z.object({
  metadata: z.unknown().optional(),
  metadataType: z.string().optional(),
  operations: z
    .array(
      z.discriminatedUnion("type", [
        z.object({ type: z.literal("set"), key: z.string(), value: z.unknown() }),
        z.object({ type: z.literal("delete"), key: z.string() }),
        z.object({ type: z.literal("append"), key: z.string(), value: z.unknown() }),
        z.object({ type: z.literal("remove"), key: z.string(), value: z.unknown() }),
        z.object({ type: z.literal("increment"), key: z.string(), value: z.number() }),
        z.object({ type: z.literal("update"), value: z.record(z.unknown()) }),
      ]),
    )
    .optional(),
  parentOperations: z.array(z.unknown()).optional(),
  rootOperations: z.array(z.unknown()).optional(),
});

const tagsBodySchema = z.object({ tags: tagsSchema });
const rescheduleBodySchema = z.object({ delay: z.union([z.string().min(1), z.coerce.date()]) });

/** Download URLs for a run's payload and output when they are stored by reference (the SDK fetches them). */
async function presignedUrls(services: ApiServices, environmentId: string, run: RunRecord) {
  const [payloadPresignedUrl, outputPresignedUrl] = await Promise.all([
    services.packets.downloadUrl(environmentId, run.payload),
    services.packets.downloadUrl(environmentId, run.output),
  ]);
  return { payloadPresignedUrl, outputPresignedUrl };
}

/** A run's output as the SDK's execution results carry it: JSON text, or the path of its stored packet. */
function outputPacket(output: unknown): { output?: string; outputType: string } {
  if (isPacketRef(output)) return { output: output.$stintPacket.path, outputType: "application/store" };
  const { data, dataType } = encodePacket(output);
  return { output: data, outputType: dataType };
}

export function runRoutes(app: ApiApp, services: ApiServices): void {
  app.get("/api/v3/runs/:runId", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    const related = async (id: string | undefined) =>
      id && id !== run.id ? engine.retrieveRun(id, { resolvePackets: false }).catch(() => undefined) : undefined;
    // A run not started on Temporal yet has no children there. Visibility does not carry depth: children are one below,
    // nor execution time (its close − start counts the time a child waited in its queue).
    const children = engine.listChildRuns(run.id).then(
      async (found) =>
        (await withExecutionTimes(services, env, found)).map((child) => ({ ...child, depth: run.depth + 1 })),
      () => [],
    );
    const [parent, root] = await Promise.all([related(run.parentRunId), related(run.rootRunId)]);
    return c.json(
      presentRetrievedRun(run, { parent, root, children: await children }, await presignedUrls(services, env.id, run)),
    );
  });

  const list = async (c: Context<ApiEnv>) => {
    const env = c.get("env");
    const query = parseValue(listQuerySchema, c.req.query(), "query");
    if (query["page[before]"])
      throw new ApiError(400, "page[before]: backwards paging is not supported; follow pagination.next");
    const filter: ListRunsFilter = {
      status: query["filter[status]"] as RunStatus[] | undefined,
      taskIdentifier: query["filter[taskIdentifier]"],
      tag: query["filter[tag]"],
      batch: query["filter[batch]"],
      schedule: query["filter[schedule]"],
      from: query["filter[createdAt][period]"]
        ? periodStart(query["filter[createdAt][period]"])
        : query["filter[createdAt][from]"],
      to: query["filter[createdAt][to]"],
      limit: query["page[size]"] ?? 25,
      after: openCursor(env, query["page[after]"], "page[after]"),
    };
    const page = await services.engines.for(env).listRuns(filter);
    const isTest = query["filter[isTest]"];
    const listed = page.data.filter((run) => isTest === undefined || String(run.isTest) === isTest);
    const data = (await withExecutionTimes(services, env, listed)).map((run) => presentListedRun(run, env));
    return c.json({ data, pagination: { next: signCursor(env, page.nextCursor) } });
  };
  app.get("/api/v1/runs", list);
  app.get("/api/v1/projects/:projectRef/runs", async (c) => {
    if (c.req.param("projectRef") !== c.get("env").projectRef) throw notFound(`Project ${c.req.param("projectRef")}`);
    return list(c);
  });

  app.post("/api/v2/runs/:runId/cancel", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    if (await withdrawFromOutbox(services.db, run.id)) {
      // Never started: it ends here, with nothing to cancel on Temporal.
      await services.db.taskRun.update({
        where: { id: run.id },
        data: { status: "CANCELED", finishedAt: new Date(), updatedAt: new Date() },
      });
      return c.json({ id: run.id });
    }
    if (run.status === "CANCELED") return c.json({ id: run.id });
    // A dispatcher is starting it right now: wait for the run to exist on Temporal, then cancel it there.
    for (let tries = 0; ; tries++) {
      try {
        return c.json(await engine.cancelRun(run.id));
      } catch (error) {
        if ((error as { status?: number }).status !== 404 || tries >= 50) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  app.post("/api/v1/runs/:runId/replay", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    return c.json(await engine.replayRun(run.id));
  });

  app.post("/api/v1/runs/:runId/reschedule", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    const body = await parseBody(c, rescheduleBodySchema);
    if (run.status !== "DELAYED")
      throw new ApiError(409, `run ${run.id} is ${run.status}; only DELAYED runs can be rescheduled`);
    const delay = body.delay instanceof Date ? body.delay.toISOString() : body.delay;
    // Accepted but not started yet: move the delay it will start with.
    if (await rescheduleInOutbox(services.db, run.id, delay)) {
      const accepted = await ownedRun(engine, env, run.id, services.db);
      return c.json(presentRetrievedRun(accepted, {}, await presignedUrls(services, env.id, accepted)));
    }
    for (let tries = 0; ; tries++) {
      try {
        const rescheduled = await engine.rescheduleRun(run.id, delay);
        return c.json(presentRetrievedRun(rescheduled, {}, await presignedUrls(services, env.id, rescheduled)));
      } catch (error) {
        // A dispatcher is starting the run right now: it exists on Temporal a moment later.
        if ((error as { status?: number }).status !== 404 || tries >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  });

  app.get("/api/v1/runs/:runId/metadata", async (c) => {
    const env = c.get("env");
    const run = await ownedRun(services.engines.for(env), env, runIdParam(c.req.param("runId")), services.db);
    return c.json({ metadata: run.metadata, metadataType: "application/json" });
  });

  app.put("/api/v1/runs/:runId/metadata", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    const body = await parseBody(c, metadataBodySchema);
    const operations: MetadataOperation[] = [...((body.operations ?? []) as MetadataOperation[])];
    if (body.metadata !== undefined) {
      const replacement = decodePacket(body.metadata, body.metadataType, "body.metadata");
      if (typeof replacement !== "object" || replacement === null || Array.isArray(replacement))
        throw new ApiError(400, "body.metadata: expected a JSON object");
      operations.unshift({ type: "update", value: replacement as Record<string, unknown> });
    }
    const metadata = await engine.updateMetadata(run.id, operations);
    return c.json({ metadata });
  });

  app.post("/api/v1/runs/:runId/tags", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const run = await ownedRun(engine, env, runIdParam(c.req.param("runId")), services.db);
    const body = await parseBody(c, tagsBodySchema);
    const result = await addRunTags(services.db, engine, run, [body.tags].flat());
    if ("tooMany" in result) {
      const { existing, adding } = result.tooMany;
      throw new ApiError(
        422,
        `tags: a run has at most ${MAX_TAGS_PER_RUN} tags; run ${run.id} has ${existing}, and these ${adding.length} were not added: ${adding.map((tag) => `'${tag}'`).join(", ")}`,
      );
    }
    return c.json({
      message: result.added.length === 0 ? "No new tags to add" : `Successfully set ${result.added.length} new tags.`,
    });
  });

  app.get("/api/v1/runs/:runId/result", async (c) => {
    const env = c.get("env");
    const run = await ownedRun(services.engines.for(env), env, runIdParam(c.req.param("runId")), services.db);
    if (!isFinalStatus(run.status)) {
      throw new ApiError(404, `Run ${run.id} has not finished (status ${run.status})`);
    }
    return c.json(
      run.status === "COMPLETED"
        ? { ok: true, id: run.id, taskIdentifier: run.taskIdentifier, ...outputPacket(run.output) }
        : {
            ok: false,
            id: run.id,
            taskIdentifier: run.taskIdentifier,
            error: {
              type: "BUILT_IN_ERROR",
              name: run.error?.name ?? "Error",
              message: run.error?.message ?? run.status,
              stackTrace: run.error?.stack ?? "",
            },
          },
    );
  });
}
