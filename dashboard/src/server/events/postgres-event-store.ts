/** The default event store: run events in PostgreSQL's RunEvent table. */
import type { Database } from "../database/prisma-client.js";
import type { EventStore, RunEventInput, RunEventRecord } from "./event-store.js";

export class PostgresEventStore implements EventStore {
  constructor(private readonly db: Database) {}

  async append(events: RunEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.runEvent.createMany({
      data: events.map((e) => ({
        environmentId: e.environmentId,
        runId: e.runId,
        kind: e.kind,
        level: e.level,
        message: e.message,
        attributes: (e.attempt === undefined ? e.attributes : { ...e.attributes, attempt: e.attempt }) as object | undefined,
        time: e.time,
      })),
    });
  }

  async listForRun(environmentId: string, runId: string, limit = 1000): Promise<RunEventRecord[]> {
    const rows = await this.db.runEvent.findMany({ where: { environmentId, runId }, orderBy: [{ time: "asc" }, { id: "asc" }], take: limit });
    return rows.map((row) => ({
      runId: row.runId,
      kind: row.kind,
      level: row.level ?? undefined,
      message: row.message,
      attributes: (row.attributes as Record<string, unknown> | null) ?? undefined,
      time: row.time.toISOString(),
    }));
  }
}
