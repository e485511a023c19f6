/**
 * Run logs and events behind one interface: PostgreSQL by default (the RunEvent table); a ClickHouse store can take
 * its place without touching the API or the dashboard.
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
  /** Oldest first, at most `limit`. */
  listForRun(environmentId: string, runId: string, limit?: number): Promise<RunEventRecord[]>;
}
