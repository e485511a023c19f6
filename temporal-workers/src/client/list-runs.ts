/** Listing runs from Temporal visibility: query building, cursor encoding, decoding executions to RunRecords. */
import type { Client, WorkflowExecutionInfo } from "@temporalio/client";
// Internal helper of the pinned @temporalio/client: decodes raw visibility rows exactly as client.workflow.list does,
// which we need because cursor pagination requires the raw nextPageToken.
import { executionInfoFromRaw } from "@temporalio/client/lib/helpers.js";
import { RUN_STATUSES } from "@stint/sdk/core";
import type { ListRunsFilter, RunRecord, RunStatus } from "@stint/sdk/runtime";
import { RUN_WORKFLOW_TYPE, SA, TOKEN_WORKFLOW_TYPE } from "../shared/search-attributes.js";
import { EngineError } from "../errors.js";

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Values go into the query text, so each must match a strict pattern. */
function safeValue(value: string, field: string): string {
  if (!/^[\w\-.:/@ ]{1,128}$/.test(value)) throw new EngineError(400, `${field}: "${value}" contains characters that are not allowed`);
  return `'${value}'`;
}

function isoDate(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new EngineError(400, `${field}: "${String(value)}" is not a date`);
  return date.toISOString();
}

export function buildListQuery(environment: string, filter: ListRunsFilter): string {
  const clauses = [`WorkflowType = '${RUN_WORKFLOW_TYPE}'`, `${SA.environment.name} = ${safeValue(environment, "environment")}`];
  const statuses = list(filter.status);
  for (const status of statuses) if (!(RUN_STATUSES as readonly string[]).includes(status)) throw new EngineError(400, `filter[status]: "${status}" is not a run status (${RUN_STATUSES.join(", ")})`);
  if (statuses.length) clauses.push(`${SA.status.name} IN (${statuses.map((s) => `'${s}'`).join(", ")})`);
  const tasks = list(filter.taskIdentifier);
  if (tasks.length) clauses.push(`${SA.taskId.name} IN (${tasks.map((t) => safeValue(t, "filter[taskIdentifier]")).join(", ")})`);
  const tags = list(filter.tag);
  if (tags.length) clauses.push(`${SA.tags.name} IN (${tags.map((t) => safeValue(t, "filter[tag]")).join(", ")})`);
  if (filter.batch) clauses.push(`${SA.batchId.name} = ${safeValue(filter.batch, "filter[batch]")}`);
  if (filter.from) clauses.push(`StartTime >= '${isoDate(filter.from, "filter[createdAt][from]")}'`);
  if (filter.to) clauses.push(`StartTime <= '${isoDate(filter.to, "filter[createdAt][to]")}'`);
  return clauses.join(" AND ");
}

export interface ListTokensFilter {
  status?: ("WAITING" | "COMPLETED" | "TIMED_OUT")[];
  tags?: string[];
  idempotencyKey?: string;
  from?: Date | string;
  to?: Date | string;
  limit?: number;
  after?: string;
}

export function buildTokenListQuery(environment: string, filter: ListTokensFilter): string {
  const clauses = [`WorkflowType = '${TOKEN_WORKFLOW_TYPE}'`, `${SA.environment.name} = ${safeValue(environment, "environment")}`];
  const statuses = list(filter.status);
  for (const status of statuses) if (!["WAITING", "COMPLETED", "TIMED_OUT"].includes(status)) throw new EngineError(400, `filter[status]: "${status}" is not a token status (WAITING, COMPLETED, TIMED_OUT)`);
  if (statuses.length) clauses.push(`${SA.status.name} IN (${statuses.map((s) => `'${s}'`).join(", ")})`);
  const tags = list(filter.tags);
  if (tags.length) clauses.push(`${SA.tags.name} IN (${tags.map((t) => safeValue(t, "filter[tags]")).join(", ")})`);
  if (filter.idempotencyKey) clauses.push(`WorkflowId = ${safeValue(`waitpoint_${filter.idempotencyKey.slice(0, 32)}`, "filter[idempotencyKey]")}`);
  if (filter.from) clauses.push(`StartTime >= '${isoDate(filter.from, "filter[createdAt][from]")}'`);
  if (filter.to) clauses.push(`StartTime <= '${isoDate(filter.to, "filter[createdAt][to]")}'`);
  return clauses.join(" AND ");
}

export function encodeCursor(token: Uint8Array): string {
  return Buffer.from(token).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Uint8Array | undefined {
  if (!cursor) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new EngineError(400, "page[after]: not a cursor returned by a previous page");
  return Buffer.from(cursor, "base64url");
}

export async function decodeExecution(client: Client, raw: unknown): Promise<WorkflowExecutionInfo> {
  return executionInfoFromRaw(raw as never, client.options.loadedDataConverter, raw, client.options.namespace) as Promise<WorkflowExecutionInfo>;
}

/**
 * A run's status as visibility has it: its StintStatus search attribute, except that a run workflow terminated
 * (an operator's `temporal workflow terminate`) never wrote its final status and reads CRASHED.
 */
export function runStatusOfExecution(execution: Pick<WorkflowExecutionInfo, "status" | "typedSearchAttributes">): RunStatus {
  if (execution.status.name === "TERMINATED") return "CRASHED";
  return (execution.typedSearchAttributes.get(SA.status) ?? "QUEUED") as RunStatus;
}

/** A RunRecord from visibility alone (no payload/output: lists do not carry them, like Trigger's). */
export function recordFromExecution(execution: Omit<WorkflowExecutionInfo, "raw">, statusOverride?: RunStatus): RunRecord {
  const attributes = execution.typedSearchAttributes;
  const memo = (execution.memo ?? {}) as { task?: string; environment?: string; createdAt?: string };
  const startTime = execution.startTime.toISOString();
  const closed = execution.closeTime?.toISOString();
  const status = statusOverride ?? runStatusOfExecution(execution);
  return {
    id: execution.workflowId,
    taskIdentifier: String(attributes.get(SA.taskId) ?? memo.task ?? ""),
    status,
    payload: undefined,
    tags: (attributes.get(SA.tags) as string[] | undefined) ?? [],
    metadata: {},
    isTest: false,
    createdAt: memo.createdAt ?? startTime,
    updatedAt: closed ?? startTime,
    finishedAt: closed,
    attemptCount: 0,
    depth: 0,
    triggerFunction: "trigger",
    batchId: attributes.get(SA.batchId) as string | undefined,
    parentRunId: attributes.get(SA.parentRunId) as string | undefined,
    rootRunId: attributes.get(SA.rootRunId) as string | undefined,
    durationMs: closed ? Date.parse(closed) - Date.parse(startTime) : 0,
    queue: `task/${String(attributes.get(SA.taskId) ?? "")}`,
    environment: String(attributes.get(SA.environment) ?? memo.environment ?? ""),
  };
}
