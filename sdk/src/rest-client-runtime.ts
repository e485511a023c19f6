/**
 * The SDK's ClientRuntime over a Stint webapp's REST API: what `runs.*`, `batch.retrieve`, `idempotencyKeys.reset`,
 * `wait.retrieveToken`… use when this process has no engine of its own — task code in a webapp's `stint dev` session
 * or on a worker server (whose environment sets TRIGGER_API_URL and the run environment's key), or a backend that
 * called configure(). The answers are the Trigger.dev API's shapes, read back into the engine's records.
 */
import superjson from "superjson";
import { callApi, withQuery } from "./management-api.js";
import type {
  BatchHandleWire,
  BatchItemWire,
  ClientRuntime,
  ListRunsFilter,
  ListRunsPage,
  ListTokensFilter,
  MetadataOperation,
  RunHandleWire,
  RunRecord,
  RunStatus,
  TokenOptionsWire,
  TokenState,
  TokenWire,
  TriggerOptionsWire,
} from "./runtime/types.js";
import { defaultQueueName } from "./core/queue-names.js";

/** A payload as the Trigger.dev wire protocol carries it: superjson when JSON would lose something (a Date, a BigInt). */
function payloadPacket(value: unknown): { payload: unknown; payloadType?: string } {
  if (value === undefined) return { payload: undefined };
  const { json, meta } = superjson.serialize(value);
  if (!meta) return { payload: JSON.stringify(json), payloadType: "application/json" };
  return { payload: JSON.stringify({ json, meta }), payloadType: "application/super+json" };
}

function wireOptions(
  options: TriggerOptionsWire | undefined,
  payloadType: string | undefined,
): Record<string, unknown> {
  const { queue, ...rest } = options ?? {};
  return { ...rest, ...(queue ? { queue: { name: queue } } : {}), ...(payloadType ? { payloadType } : {}) };
}

function wireItem(item: BatchItemWire) {
  const { payload, payloadType } = payloadPacket(item.payload);
  return { task: item.task, payload, options: wireOptions(item.options, payloadType) };
}

interface ApiRun {
  id: string;
  status: RunStatus;
  taskIdentifier: string;
  idempotencyKey?: string;
  version?: string;
  isTest?: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  delayedUntil?: string;
  expiredAt?: string;
  ttl?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  durationMs?: number;
  depth?: number;
  triggerFunction?: RunRecord["triggerFunction"];
  batchId?: string;
  payload?: unknown;
  payloadPresignedUrl?: string;
  output?: unknown;
  outputPresignedUrl?: string;
  error?: { name?: string; message: string; stackTrace?: string };
  attemptCount?: number;
  relatedRuns?: { parent?: { id: string }; root?: { id: string } };
  env?: { id: string; name: string };
}

/** A value the API left in the object store (past its inline limit): fetched from the presigned URL it answered. */
async function download(url: string | undefined, inline: unknown): Promise<unknown> {
  if (!url) return inline;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download a stored value (${response.status})`);
  const text = await response.text();
  return response.headers.get("content-type")?.includes("super+json") ? superjson.parse(text) : JSON.parse(text);
}

async function toRecord(run: ApiRun): Promise<RunRecord> {
  const [payload, output] = await Promise.all([
    download(run.payloadPresignedUrl, run.payload),
    download(run.outputPresignedUrl, run.output),
  ]);
  return {
    id: run.id,
    taskIdentifier: run.taskIdentifier,
    status: run.status,
    payload,
    output,
    error: run.error && { name: run.error.name ?? "Error", message: run.error.message, stack: run.error.stackTrace },
    tags: run.tags ?? [],
    metadata: run.metadata ?? {},
    idempotencyKey: run.idempotencyKey,
    isTest: run.isTest ?? false,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    delayedUntil: run.delayedUntil,
    expiredAt: run.expiredAt,
    ttl: run.ttl,
    attemptCount: run.attemptCount ?? 0,
    depth: run.depth ?? 0,
    triggerFunction: run.triggerFunction ?? "trigger",
    batchId: run.batchId,
    parentRunId: run.relatedRuns?.parent?.id,
    rootRunId: run.relatedRuns?.root?.id,
    durationMs: run.durationMs ?? 0,
    version: run.version,
    queue: defaultQueueName(run.taskIdentifier),
    environment: run.env?.id ?? "",
  };
}

const list = (value: string | string[] | undefined) => (value === undefined ? undefined : [value].flat().join(","));
const iso = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);

export const restClientRuntime: ClientRuntime = {
  async trigger(item: BatchItemWire): Promise<RunHandleWire> {
    const { payload, options } = wireItem(item);
    const handle = await callApi<{ id: string; isCached?: boolean }>(
      "POST",
      `/api/v1/tasks/${encodeURIComponent(item.task)}/trigger`,
      { payload, options },
      { what: "tasks.trigger" },
    );
    return { id: handle.id, taskIdentifier: item.task, isCached: handle.isCached, publicAccessToken: "" };
  },
  async batchTrigger(items: BatchItemWire[], options?: { idempotencyKey?: string }): Promise<BatchHandleWire> {
    if (options?.idempotencyKey) {
      throw new Error(
        "batchTrigger: an idempotencyKey for the whole batch is not supported over the REST API from this process yet; pass one per item",
      );
    }
    const batch = await callApi<{
      id: string;
      runCount: number;
      runs: Array<{ id: string; taskIdentifier: string; isCached?: boolean }>;
    }>("POST", "/api/v2/tasks/batch", { items: items.map(wireItem) }, { what: "batch.trigger" });
    return {
      batchId: batch.id,
      runCount: batch.runCount,
      runs: batch.runs.map((run) => ({ ...run, publicAccessToken: "" })),
      publicAccessToken: "",
    };
  },
  async retrieveRun(runId: string): Promise<RunRecord> {
    return toRecord(
      await callApi<ApiRun>("GET", `/api/v3/runs/${encodeURIComponent(runId)}`, undefined, { what: "runs.retrieve" }),
    );
  },
  async listRuns(filter: ListRunsFilter = {}): Promise<ListRunsPage> {
    const path = withQuery("/api/v1/runs", {
      "filter[status]": list(filter.status),
      "filter[taskIdentifier]": list(filter.taskIdentifier),
      "filter[tag]": list(filter.tag),
      "filter[batch]": filter.batch,
      "filter[createdAt][from]": iso(filter.from),
      "filter[createdAt][to]": iso(filter.to),
      "page[size]": filter.limit,
      "page[after]": filter.after,
    });
    const page = await callApi<{ data: ApiRun[]; pagination: { next?: string } }>("GET", path, undefined, {
      what: "runs.list",
    });
    return { data: await Promise.all(page.data.map(toRecord)), nextCursor: page.pagination.next ?? undefined };
  },
  cancelRun: (runId) =>
    callApi("POST", `/api/v2/runs/${encodeURIComponent(runId)}/cancel`, {}, { what: "runs.cancel", retryPost: true }),
  replayRun: (runId) =>
    callApi("POST", `/api/v1/runs/${encodeURIComponent(runId)}/replay`, {}, { what: "runs.replay" }),
  async rescheduleRun(runId: string, delay: string): Promise<RunRecord> {
    return toRecord(
      await callApi<ApiRun>(
        "POST",
        `/api/v1/runs/${encodeURIComponent(runId)}/reschedule`,
        { delay },
        { what: "runs.reschedule" },
      ),
    );
  },
  async updateMetadata(runId: string, operations: MetadataOperation[]): Promise<Record<string, unknown>> {
    const answer = await callApi<{ metadata: Record<string, unknown> }>(
      "PUT",
      `/api/v1/runs/${encodeURIComponent(runId)}/metadata`,
      { operations },
      { what: "metadata.update" },
    );
    return answer.metadata;
  },
  async addTags(runId: string, tags: string[]): Promise<void> {
    await callApi(
      "POST",
      `/api/v1/runs/${encodeURIComponent(runId)}/tags`,
      { tags },
      { what: "tags.add", retryPost: true },
    );
  },
  async createToken(options: TokenOptionsWire): Promise<TokenWire> {
    const token = await callApi<{ id: string; isCached: boolean; url: string }>(
      "POST",
      "/api/v1/waitpoints/tokens",
      options,
      { what: "wait.createToken" },
    );
    return { ...token, publicAccessToken: "" };
  },
  completeToken: (tokenId, data) =>
    callApi(
      "POST",
      `/api/v1/waitpoints/tokens/${encodeURIComponent(tokenId)}/complete`,
      { data },
      { what: "wait.completeToken", retryPost: true },
    ),
  async retrieveToken(tokenId: string): Promise<TokenState> {
    const token = await callApi<TokenState & { output?: string; outputIsError?: boolean }>(
      "GET",
      `/api/v1/waitpoints/tokens/${encodeURIComponent(tokenId)}`,
      undefined,
      {
        what: "wait.retrieveToken",
      },
    );
    const output = token.output === undefined ? undefined : JSON.parse(token.output);
    return token.outputIsError ? { ...token, output: undefined, error: output } : { ...token, output };
  },
  async listTokens(filter: ListTokensFilter = {}): Promise<{ data: TokenState[]; nextCursor?: string }> {
    const path = withQuery("/api/v1/waitpoints/tokens", {
      "filter[status]": list(filter.status),
      "filter[tags]": list(filter.tags),
      "filter[idempotencyKey]": filter.idempotencyKey,
      "filter[createdAt][from]": iso(filter.from),
      "filter[createdAt][to]": iso(filter.to),
      "page[size]": filter.limit,
      "page[after]": filter.after,
    });
    const page = await callApi<{ data: TokenState[]; pagination: { next?: string } }>("GET", path, undefined, {
      what: "wait.listTokens",
    });
    return { data: page.data, nextCursor: page.pagination.next ?? undefined };
  },
  resetIdempotencyKey: (taskIdentifier, idempotencyKey) =>
    callApi(
      "POST",
      `/api/v1/idempotencyKeys/${encodeURIComponent(idempotencyKey)}/reset`,
      { taskIdentifier },
      { what: "idempotencyKeys.reset", retryPost: true },
    ),
  retrieveBatch: (batchId) =>
    callApi("GET", `/api/v2/batches/${encodeURIComponent(batchId)}`, undefined, { what: "batch.retrieve" }),
};
