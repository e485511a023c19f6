/**
 * Reading runs and batches: a run's state from its workflow (query while it runs, result or failure once closed),
 * lists from Temporal's visibility (search attributes).
 */
import { WorkflowFailedError, type Client, type WorkflowHandle } from "@temporalio/client";
import type { ListRunsFilter, ListRunsPage, RunRecord, RunStatus } from "@stint/sdk/runtime";
import proto from "@temporalio/proto";
import { runStateQuery } from "../shared/messages.js";
import { EngineError, packetErrorAsEngineError } from "../errors.js";
import { resolvePacket } from "../packets/store-packets.js";
import type { RunState } from "../shared/run-types.js";
import { SA } from "../shared/search-attributes.js";
import { isNotFound, unansweredStateQuery } from "./temporal-errors.js";
import { buildListQuery, decodeCursor, encodeCursor, listPage, recordFromExecution } from "./list-runs.js";
import { parse, runIdSchema } from "./input-parsing.js";
import type { EngineClientOptions } from "./engine-options.js";

const ACTIVITY_STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** The run's workflow (its id is the run id); a malformed run id is a 400 before Temporal is asked. */
export function runHandle(client: Client, runId: string): WorkflowHandle {
  return client.workflow.getHandle(parse(runIdSchema, runId, "runId"));
}

export class RunReads {
  constructor(private readonly options: EngineClientOptions) {}

  private get client(): Client {
    return this.options.client;
  }

  /** The run's full state, including its journal and attempts. */
  async runState(runId: string): Promise<RunState> {
    const handle = runHandle(this.client, runId);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Run ${runId} not found`);
      throw error;
    }
    if (description.status.name === "RUNNING") {
      const state = await handle.query(runStateQuery).catch((error: unknown) => {
        throw unansweredStateQuery(runId, error);
      });
      // An attempt announces itself only after a moment; a started attempt activity already means EXECUTING.
      const attemptRunning = description.raw.pendingActivities?.some(
        (a) => a.activityType?.name === "runAttempt" && a.state === ACTIVITY_STARTED,
      );
      return state.status === "QUEUED" && attemptRunning ? { ...state, status: "EXECUTING" } : state;
    }
    if (description.status.name === "CANCELLED") {
      // Temporal keeps no details with a cancellation: the closed run answers its state query (a replay).
      return handle.query(runStateQuery).catch(() => recordFromExecution(description, "CANCELED") as RunState);
    }
    try {
      return (await handle.result()) as RunState;
    } catch (error) {
      // Only the run's own failure says how it ended; anything else (Temporal unreachable, a deadline) is not an answer.
      if (!(error instanceof WorkflowFailedError)) throw error;
      const details = (error.cause as { details?: unknown[] } | undefined)?.details;
      if (details?.[0]) return details[0] as RunState;
      const status: RunStatus = description.status.name === "TERMINATED" ? "CRASHED" : "SYSTEM_FAILURE";
      return recordFromExecution(description, status) as RunState;
    }
  }

  /**
   * The run's record. Its payload and output are read back from the object store when stored there, unless
   * `resolvePackets` is false (the webapp hands out presigned URLs to them instead).
   */
  async retrieveRun(runId: string, options: { resolvePackets?: boolean } = {}): Promise<RunRecord> {
    const {
      journal: _journal,
      item: _item,
      attempts: _attempts,
      computeMs: _computeMs,
      ...record
    } = await this.runState(runId);
    if (options.resolvePackets === false) return record;
    const [payload, output] = await Promise.all([
      resolvePacket(record.payload, this.options.packets, `payload of ${runId}`),
      resolvePacket(record.output, this.options.packets, `output of ${runId}`),
    ]).catch((error: unknown) => {
      throw packetErrorAsEngineError(error);
    });
    return { ...record, payload, output };
  }

  async listRuns(filter: ListRunsFilter = {}): Promise<ListRunsPage> {
    const pageSize = Math.min(Math.max(filter.limit ?? 25, 1), 100);
    const query = buildListQuery(this.options.environment.slug, filter);
    const { executions, nextPageToken } = await listPage(this.client, query, pageSize, decodeCursor(filter.after));
    return {
      data: executions.map((e) => recordFromExecution(e)),
      nextCursor: nextPageToken ? encodeCursor(nextPageToken) : undefined,
    };
  }

  /** Runs this run's code triggered (Trigger.dev's relatedRuns.children), newest first, from visibility: at most 100. */
  async listChildRuns(runId: string): Promise<RunRecord[]> {
    const parent = parse(runIdSchema, runId, "runId");
    const query = `${buildListQuery(this.options.environment.slug, {})} AND ${SA.parentRunId.name} = '${parent}'`;
    const { executions } = await listPage(this.client, query, 100);
    return executions.map((e) => recordFromExecution(e));
  }

  async retrieveBatch(batchId: string): Promise<{ id: string; runCount: number; runs: string[]; status: string }> {
    const runs: string[] = [];
    const statuses: string[] = [];
    for await (const execution of this.client.workflow.list({
      query: `${SA.batchId.name} = '${batchId.replace(/'/g, "")}'`,
    })) {
      runs.push(execution.workflowId);
      statuses.push(String(execution.typedSearchAttributes.get(SA.status) ?? ""));
    }
    if (runs.length === 0) throw new EngineError(404, `Batch ${batchId} not found`);
    return { id: batchId, runCount: runs.length, runs, status: "COMPLETED" };
  }
}
