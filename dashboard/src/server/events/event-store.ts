/**
 * Run logs and events behind one interface: PostgreSQL by default (the RunEvent table), or ClickHouse with
 * `CLICKHOUSE_URL` (clickhouse-event-store.ts); the API and the dashboard do not know which.
 */
export interface RunEventInput {
  environmentId: string;
  runId: string;
  /** "log": a line the task logged; "system": Stint's note on the run (a pipeline could not store part of it). */
  kind: "log" | "system";
  level: "debug" | "log" | "info" | "warn" | "error";
  message: string;
  attributes?: Record<string, unknown>;
  attempt?: number;
  time: Date;
}

export interface RunEventRecord {
  runId: string;
  kind: string;
  level?: string;
  message: string;
  attributes?: Record<string, unknown>;
  time: string;
}

export interface EventStore {
  append(events: RunEventInput[]): Promise<void>;
  /** Oldest first, at most `limit` (1000 by default), of the given levels (all by default). */
  listForRun(
    environmentId: string,
    runId: string,
    options?: { limit?: number; levels?: string[] },
  ): Promise<RunEventRecord[]>;
}
