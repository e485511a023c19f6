/** Picks the webapp's event store: ClickHouse when a URL is given (option or `CLICKHOUSE_URL`), else PostgreSQL. */
import type { Database } from "../database/prisma-client.js";
import { ClickHouseEventStore, clickhouseUrlSchema } from "./clickhouse-event-store.js";
import type { EventStore } from "./event-store.js";
import { PostgresEventStore } from "./postgres-event-store.js";

export async function createEventStore(
  db: Database,
  clickhouseUrl: string | null | undefined,
  stops: (() => Promise<void>)[],
): Promise<EventStore> {
  const url = clickhouseUrl === undefined ? process.env.CLICKHOUSE_URL || undefined : clickhouseUrl;
  if (!url) return new PostgresEventStore(db);
  const parsed = clickhouseUrlSchema.safeParse(url);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("; "));
  const store = await ClickHouseEventStore.connect(parsed.data);
  stops.push(() => store.close());
  return store;
}
