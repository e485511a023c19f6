/** Listing runs from Temporal visibility: query building, cursor encoding, decoding executions to RunRecords. */
import type { Client, WorkflowExecutionInfo, WorkflowExecutionStatusName } from "@temporalio/client";
import {
  defaultPayloadConverter,
  mapFromPayloads,
  SearchAttributeType,
  TypedSearchAttributes,
  type Payload,
  type SearchAttributePair,
} from "@temporalio/common";
// The default import: @temporalio/proto is CommonJS, whose named exports Node's ESM loader does not see.
import proto, { type temporal } from "@temporalio/proto";
import { defaultQueueName, RUN_STATUSES } from "@stint/sdk/core";
import type { ListRunsFilter, RunRecord, RunStatus } from "@stint/sdk/runtime";
import { RUN_WORKFLOW_TYPE, SA, TOKEN_WORKFLOW_TYPE } from "../shared/search-attributes.js";
import { EngineError } from "../errors.js";

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Values go into the query text, so each must match a strict pattern. */
function safeValue(value: string, field: string): string {
  if (!/^[\w\-.:/@ ]{1,128}$/.test(value))
    throw new EngineError(400, `${field}: "${value}" contains characters that are not allowed`);
  return `'${value}'`;
}

function isoDate(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new EngineError(400, `${field}: "${String(value)}" is not a date`);
  return date.toISOString();
}

export function buildListQuery(environment: string, filter: ListRunsFilter): string {
  const clauses = [
    `WorkflowType = '${RUN_WORKFLOW_TYPE}'`,
    `${SA.environment.name} = ${safeValue(environment, "environment")}`,
  ];
  const statuses = list(filter.status);
  for (const status of statuses)
    if (!(RUN_STATUSES as readonly string[]).includes(status))
      throw new EngineError(400, `filter[status]: "${status}" is not a run status (${RUN_STATUSES.join(", ")})`);
  if (statuses.length) clauses.push(`${SA.status.name} IN (${statuses.map((s) => `'${s}'`).join(", ")})`);
  const tasks = list(filter.taskIdentifier);
  if (tasks.length)
    clauses.push(`${SA.taskId.name} IN (${tasks.map((t) => safeValue(t, "filter[taskIdentifier]")).join(", ")})`);
  const tags = list(filter.tag);
  if (tags.length) clauses.push(`${SA.tags.name} IN (${tags.map((t) => safeValue(t, "filter[tag]")).join(", ")})`);
  if (filter.batch) clauses.push(`${SA.batchId.name} = ${safeValue(filter.batch, "filter[batch]")}`);
  if (filter.schedule) clauses.push(`${SA.scheduleId.name} = ${safeValue(filter.schedule, "filter[schedule]")}`);
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
  const clauses = [
    `WorkflowType = '${TOKEN_WORKFLOW_TYPE}'`,
    `${SA.environment.name} = ${safeValue(environment, "environment")}`,
  ];
  const statuses = list(filter.status);
  for (const status of statuses)
    if (!["WAITING", "COMPLETED", "TIMED_OUT"].includes(status))
      throw new EngineError(400, `filter[status]: "${status}" is not a token status (WAITING, COMPLETED, TIMED_OUT)`);
  if (statuses.length) clauses.push(`${SA.status.name} IN (${statuses.map((s) => `'${s}'`).join(", ")})`);
  const tags = list(filter.tags);
  if (tags.length) clauses.push(`${SA.tags.name} IN (${tags.map((t) => safeValue(t, "filter[tags]")).join(", ")})`);
  if (filter.idempotencyKey)
    clauses.push(
      `WorkflowId = ${safeValue(`waitpoint_${filter.idempotencyKey.slice(0, 32)}`, "filter[idempotencyKey]")}`,
    );
  if (filter.from) clauses.push(`StartTime >= '${isoDate(filter.from, "filter[createdAt][from]")}'`);
  if (filter.to) clauses.push(`StartTime <= '${isoDate(filter.to, "filter[createdAt][to]")}'`);
  return clauses.join(" AND ");
}

export function encodeCursor(token: Uint8Array): string {
  return Buffer.from(token).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Uint8Array | undefined {
  if (!cursor) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new EngineError(400, "page[after]: not a cursor returned by a previous page");
  return Buffer.from(cursor, "base64url");
}

/** What Stint reads of a workflow execution listed by visibility. */
export type ListedExecution = Pick<
  WorkflowExecutionInfo,
  "workflowId" | "status" | "typedSearchAttributes" | "memo" | "startTime" | "closeTime"
>;

type RawExecution = temporal.api.workflow.v1.IWorkflowExecutionInfo;
type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;

const STATUS_PREFIX = "WORKFLOW_EXECUTION_STATUS_";
const statusName = (code: temporal.api.enums.v1.WorkflowExecutionStatus | null | undefined) => {
  const name = proto.temporal.api.enums.v1.WorkflowExecutionStatus[code ?? 0]?.slice(STATUS_PREFIX.length);
  // The client spells it CANCELLED (WorkflowExecutionStatusName); the proto enum, CANCELED.
  return (name === "CANCELED" ? "CANCELLED" : (name ?? "UNKNOWN")) as WorkflowExecutionStatusName;
};
const dateOf = (ts: Timestamp): Date | undefined => {
  if (!ts) return undefined;
  const seconds = typeof ts.seconds === "number" ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
};
const SEARCH_ATTRIBUTE_KEYS = new Map(Object.values(SA).map((key) => [key.name, key]));

/** Stint's search attributes of a raw visibility row (others are not read). */
function searchAttributesOf(fields: Record<string, Payload> | null | undefined): TypedSearchAttributes {
  const values = mapFromPayloads<string>(defaultPayloadConverter, fields) ?? {};
  const pairs = Object.entries(values).flatMap(([name, value]): SearchAttributePair[] => {
    const key = SEARCH_ATTRIBUTE_KEYS.get(name);
    if (!key || value === null || value === undefined) return [];
    // Single-valued attributes may arrive as a one-element list (servers before typed search attributes).
    const single = Array.isArray(value) && key.type !== SearchAttributeType.KEYWORD_LIST ? value[0] : value;
    return [
      {
        key,
        value: key.type === SearchAttributeType.DATETIME ? new Date(single as string) : single,
      } as SearchAttributePair,
    ];
  });
  return new TypedSearchAttributes(pairs);
}

/**
 * A raw row of listWorkflowExecutions (called directly, for the page token that cursor pagination needs) decoded with
 * the client's data converter, as client.workflow.list would.
 */
export async function decodeExecution(client: Client, raw: RawExecution): Promise<ListedExecution> {
  const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
  const memoFields = Object.entries(raw.memo?.fields ?? {}) as [string, Payload][];
  let memoPayloads = memoFields.map(([, payload]) => payload);
  for (const codec of [...payloadCodecs].reverse()) memoPayloads = await codec.decode(memoPayloads);
  const memo = Object.fromEntries(
    memoFields.map(([name], i) => [name, payloadConverter.fromPayload(memoPayloads[i]!)]),
  );
  return {
    workflowId: raw.execution?.workflowId ?? "",
    status: { code: raw.status ?? 0, name: statusName(raw.status) },
    typedSearchAttributes: searchAttributesOf(raw.searchAttributes?.indexedFields as Record<string, Payload>),
    memo,
    startTime: dateOf(raw.startTime as Timestamp) ?? new Date(0),
    closeTime: dateOf(raw.closeTime as Timestamp),
  };
}

/** One page of a visibility query, with the token of the next (cursor pagination). */
export async function listPage(
  client: Client,
  query: string,
  pageSize: number,
  pageToken?: Uint8Array,
): Promise<{ executions: ListedExecution[]; nextPageToken?: Uint8Array }> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken: pageToken,
  });
  return {
    executions: await Promise.all((response.executions ?? []).map((e) => decodeExecution(client, e))),
    nextPageToken: response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : undefined,
  };
}

/**
 * A run's status as visibility has it: its StintStatus search attribute, except that a run workflow terminated
 * (an operator's `temporal workflow terminate`) never wrote its final status and reads CRASHED.
 */
export function runStatusOfExecution(
  execution: Pick<WorkflowExecutionInfo, "status" | "typedSearchAttributes">,
): RunStatus {
  if (execution.status.name === "TERMINATED") return "CRASHED";
  return (execution.typedSearchAttributes.get(SA.status) ?? "QUEUED") as RunStatus;
}

/** A RunRecord from visibility alone (no payload/output: lists do not carry them, like Trigger's). */
export function recordFromExecution(execution: ListedExecution, statusOverride?: RunStatus): RunRecord {
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
    queue: defaultQueueName(String(attributes.get(SA.taskId) ?? "")),
    environment: String(attributes.get(SA.environment) ?? memo.environment ?? ""),
  };
}
