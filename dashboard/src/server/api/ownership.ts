/** Key scoping: a run, batch or token is visible only to the environment that owns it; to others it does not exist. */
import type { BatchItemWire, RunRecord, RunStatus } from "@stint/sdk/runtime";
import type { Database } from "../database/prisma-client.js";
import type { StintEngineClient } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { notFound } from "./api-error.js";
import { statusFlags } from "./run-presenter.js";
import { defaultQueueName } from "@stint/sdk/core";

/** A run of this environment: from Temporal, or — accepted but not started yet — from the outbox and run index. */
export async function ownedRun(
  engine: StintEngineClient,
  env: AuthenticatedEnvironment,
  runId: string,
  db: Database,
): Promise<RunRecord> {
  // Stored payloads and outputs stay references here: routes hand out presigned URLs to them.
  const retrieve = () => engine.retrieveRun(runId, { resolvePackets: false });
  const run = await retrieve().catch(async (error: unknown) => {
    if ((error as { status?: number }).status !== 404) throw error;
    const accepted = await acceptedRun(db, env, runId);
    if (!accepted) throw notFound(`Run ${runId}`);
    // Its outbox entry went while we looked: the dispatcher has just started it, so Temporal has it now.
    return accepted === "started" ? retrieve() : accepted;
  });
  if (run.environment !== env.id) throw notFound(`Run ${runId}`);
  return statusFlags(run.status).isCompleted ? withLateTags(db, run) : run;
}

/** Tags added after a run finished are kept in the run index (its workflow is closed): merged back in here. */
async function withLateTags(db: Database, run: RunRecord): Promise<RunRecord> {
  const row = await db.taskRun.findUnique({ where: { id: run.id }, select: { tags: true } });
  const late = row?.tags.filter((tag) => !run.tags.includes(tag)) ?? [];
  return late.length > 0 ? { ...run, tags: [...run.tags, ...late] } : run;
}

async function acceptedRun(
  db: Database,
  env: AuthenticatedEnvironment,
  runId: string,
): Promise<RunRecord | "started" | undefined> {
  const row = await db.taskRun.findFirst({ where: { id: runId, environmentId: env.id } });
  if (!row) return undefined;
  const outbox = await db.runOutbox.findUnique({ where: { runId } });
  if (!outbox && ["QUEUED", "DELAYED"].includes(row.status)) return "started";
  const item = (outbox?.item ?? {}) as Partial<BatchItemWire>;
  return {
    id: row.id,
    taskIdentifier: row.taskIdentifier,
    status: row.status as RunStatus,
    payload: item.payload,
    tags: row.tags,
    metadata: (item.options?.metadata as Record<string, unknown> | undefined) ?? {},
    isTest: row.isTest,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString(),
    attemptCount: 0,
    depth: row.depth,
    triggerFunction: "trigger",
    durationMs: 0,
    queue: defaultQueueName(row.taskIdentifier),
    environment: env.id,
    // A deployed environment's run is locked to its version when it is accepted.
    version: item.options?.version,
  };
}

export async function assertOwnedToken(
  engine: StintEngineClient,
  env: AuthenticatedEnvironment,
  tokenId: string,
): Promise<void> {
  if (!/^waitpoint_[a-z0-9]+$/i.test(tokenId)) throw notFound(`Waitpoint token ${tokenId}`);
  if ((await engine.tokenEnvironment(tokenId)) !== env.id) throw notFound(`Waitpoint token ${tokenId}`);
}
