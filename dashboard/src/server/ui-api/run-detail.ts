/**
 * What the run page shows of a run's state: its waitpoints with what they point at (child runs, tokens, batches) and
 * its attempts as they stand while the run waits — without the journal's results (child outputs can be large).
 */
import { z } from "zod";
import type { RunStatus, WaitpointView } from "@stint/sdk/runtime";

export type { WaitpointView };
import { isFinalStatus } from "@stint/sdk/core";
import type { AttemptRecord, JournalEntry } from "@stint/temporal-workers";
import { parseValue } from "../api/validation.js";

const CHILD_RUNS_SHOWN = 20;

const idOf = (value: unknown): string | undefined => {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === "string" ? id : undefined;
};

export function waitpointView(entry: JournalEntry): WaitpointView {
  const view: WaitpointView = {
    seq: entry.seq,
    type: entry.type,
    done: entry.done,
    createdAt: entry.createdAt,
    completedAt: entry.completedAt,
    runIds: [],
  };
  const wait = entry.wait;
  if (wait?.type === "task") view.runIds.push(wait.runId);
  if (wait?.type === "token") view.tokenId = wait.token;
  if (wait?.type === "batch") view.batchId = wait.batchId;
  if (wait?.type === "duration") view.until = wait.date;
  const result = entry.result as { batchId?: unknown; runs?: unknown[]; results?: unknown[] } | undefined;
  if (entry.type === "trigger" && idOf(result)) view.runIds.push(idOf(result)!);
  if (entry.type === "createToken") view.tokenId = idOf(result);
  if (typeof result?.batchId === "string") view.batchId = result.batchId;
  for (const child of [...(result?.runs ?? []), ...(result?.results ?? [])]) {
    const id = idOf(child);
    if (id && !view.runIds.includes(id)) view.runIds.push(id);
  }
  view.runIds = view.runIds.slice(0, CHILD_RUNS_SHOWN);
  return view;
}

export type AttemptView = Omit<AttemptRecord, "status"> & { status: AttemptRecord["status"] | RunStatus };

/**
 * The engine keeps an attempt EXECUTING until it ends, also while its run waits (its process suspended or parked) or
 * is queued to resume: shown as what it is.
 */
export function attemptView(attempt: AttemptRecord, runStatus: RunStatus): AttemptView {
  if (attempt.status !== "EXECUTING") return attempt;
  if (runStatus === "WAITING") return { ...attempt, status: "WAITING" };
  if (["QUEUED", "DELAYED", "PENDING_VERSION"].includes(runStatus)) return { ...attempt, status: "QUEUED" };
  if (isFinalStatus(runStatus)) return { ...attempt, status: runStatus };
  return attempt;
}

export const LOG_LEVELS = ["debug", "log", "info", "warn", "error"] as const;

const logsQuerySchema = z.object({
  level: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(",") : undefined))
    .pipe(
      z
        .array(z.enum(LOG_LEVELS, { message: `level: one or more of ${LOG_LEVELS.join(", ")}, comma-separated` }))
        .optional(),
    ),
});

/** `?level=warn,error`: only those levels. */
export function logLevelsOfQuery(query: Record<string, string>): string[] | undefined {
  return parseValue(logsQuerySchema, query, "query").level;
}
