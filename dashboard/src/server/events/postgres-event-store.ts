/** The default event store: run events in PostgreSQL's RunEvent table. */
import type { Database } from "../database/prisma-client.js";
import { isRefusedValue, refusalReason } from "../database/refused-value.js";
import { toStorable } from "../database/storable-text.js";
import type { EventStore, RunEventInput, RunEventRecord } from "./event-store.js";
import { noteOnRun } from "./run-notes.js";

export class PostgresEventStore implements EventStore {
  constructor(private readonly db: Database) {}

  private row(e: RunEventInput) {
    return {
      environmentId: e.environmentId,
      runId: e.runId,
      kind: e.kind,
      level: e.level,
      message: e.message,
      attributes: (e.attempt === undefined ? e.attributes : { ...e.attributes, attempt: e.attempt }) as
        | object
        | undefined,
      time: e.time,
    };
  }

  /**
   * One statement for the batch; a line PostgreSQL refuses (it holds text it cannot store) is kept with that text
   * made storable and a note on its run, instead of failing every run's lines in the batch.
   */
  async append(events: RunEventInput[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.db.runEvent.createMany({ data: events.map((e) => this.row(e)) });
      return;
    } catch (error) {
      if (!isRefusedValue(error) || (events.length === 1 && events[0]!.kind === "system")) throw error;
    }
    for (const event of events) {
      try {
        await this.db.runEvent.create({ data: this.row(event) });
      } catch (error) {
        if (!isRefusedValue(error)) throw error;
        const repaired = { ...event, message: toStorable(event.message), attributes: toStorable(event.attributes) };
        const kept = await this.db.runEvent.create({ data: this.row(repaired) }).then(
          () => true,
          () => false,
        );
        await noteOnRun(
          this,
          event,
          `a log line could not be stored as sent (${refusalReason(error)}); ${kept ? "it was kept with U+FFFD in place of the characters PostgreSQL cannot store" : "it was skipped"}`,
        );
      }
    }
  }

  async listForRun(
    environmentId: string,
    runId: string,
    { limit = 1000, levels }: { limit?: number; levels?: string[] } = {},
  ): Promise<RunEventRecord[]> {
    const rows = await this.db.runEvent.findMany({
      where: { environmentId, runId, ...(levels ? { level: { in: levels } } : {}) },
      orderBy: [{ time: "asc" }, { id: "asc" }],
      take: limit,
    });
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
