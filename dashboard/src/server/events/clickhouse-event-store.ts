/**
 * Run logs and events in ClickHouse (`CLICKHOUSE_URL`): a deployment's log volume belongs in a column store, not in
 * the PostgreSQL that holds its accounts. Written to stay within what ClickHouse 18.16 (Debian's package, which the
 * tests run) understands: no query parameters, no DateTime64, so values in SQL text go through `sqlString`, and time
 * is kept as Unix milliseconds.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { z } from "zod";
import type { EventStore, RunEventInput, RunEventRecord } from "./event-store.js";
import { noteOnRun } from "./run-notes.js";
import { EventStoreUnavailableError } from "../errors.js";

const TABLE = "run_events";

/** `CLICKHOUSE_URL`: http(s)://user:password@host:port/database (database default `stint`). */
export const clickhouseUrlSchema = z
  .string()
  .url("CLICKHOUSE_URL must be a URL like http://user:password@127.0.0.1:8123/stint")
  .refine((url) => /^https?:$/.test(new URL(url).protocol), "CLICKHOUSE_URL must be an http:// or https:// URL")
  .refine(
    (url) => /^\/?([A-Za-z_][A-Za-z0-9_]*)?\/?$/.test(new URL(url).pathname),
    "CLICKHOUSE_URL's path must be a database name (letters, digits and _), e.g. /stint",
  );

/** A ClickHouse string literal: the one place values enter SQL text (18.16 has no query parameters). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The URL with its password hidden, for messages. */
export function describeClickHouseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const wellFormed = (text: string) => text as unknown as WellFormedString;

interface Row {
  environment_id: string;
  run_id: string;
  time_ms: number;
  seq: number;
  kind: string;
  level: string;
  message: string;
  attributes: string;
  date: string;
}

export class ClickHouseEventStore implements EventStore {
  /** Orders lines of one millisecond as they were appended (ties between processes keep their time order only). */
  private seq = Date.now() * 1000;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly table: string,
  ) {}

  /** Connects, creating the database and table when missing. */
  static async connect(url: string): Promise<ClickHouseEventStore> {
    const parsed = new URL(clickhouseUrlSchema.parse(url));
    const database = parsed.pathname.replace(/\//g, "") || "stint";
    const client = createClient({
      url: `${parsed.protocol}//${parsed.host}`,
      username: decodeURIComponent(parsed.username) || "default",
      password: decodeURIComponent(parsed.password),
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      // The webapp reports a failed append to its caller; the client's own error log would repeat it.
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
      await client.command({
        query: `CREATE TABLE IF NOT EXISTS ${database}.${TABLE} (
          environment_id String, run_id String, time_ms UInt64, seq UInt64,
          kind String, level String, message String, attributes String, date Date
        ) ENGINE = MergeTree() PARTITION BY toYYYYMM(date) ORDER BY (environment_id, run_id, time_ms, seq)`,
      });
    } catch (error) {
      await client.close();
      throw new EventStoreUnavailableError(
        `ClickHouse at ${describeClickHouseUrl(url)} refused to set up: ${(error as Error).message}. Check CLICKHOUSE_URL (host, port, user and password) and that the server is running, or unset it to keep logs in PostgreSQL`,
      );
    }
    return new ClickHouseEventStore(client, `${database}.${TABLE}`);
  }

  private row(event: RunEventInput): Row {
    const attributes = event.attempt === undefined ? event.attributes : { ...event.attributes, attempt: event.attempt };
    return {
      environment_id: event.environmentId,
      run_id: event.runId,
      time_ms: event.time.getTime(),
      seq: this.seq++,
      kind: event.kind,
      level: event.level,
      message: wellFormed(event.message).toWellFormed(),
      attributes: attributes === undefined ? "" : JSON.stringify(attributes),
      date: event.time.toISOString().slice(0, 10),
    };
  }

  async append(events: RunEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.insert({ table: this.table, values: events.map((e) => this.row(e)), format: "JSONEachRow" });
    // ClickHouse refuses text with a lone surrogate half; such a line was kept with U+FFFD in its place.
    for (const event of events)
      if (!wellFormed(event.message).isWellFormed())
        await noteOnRun(
          this,
          event,
          "a log line could not be stored as sent (a lone UTF-16 surrogate); it was kept with U+FFFD in its place",
        );
  }

  async listForRun(
    environmentId: string,
    runId: string,
    { limit = 1000, levels }: { limit?: number; levels?: string[] } = {},
  ): Promise<RunEventRecord[]> {
    const conditions = [`environment_id = ${sqlString(environmentId)}`, `run_id = ${sqlString(runId)}`];
    if (levels) conditions.push(`level IN (${levels.length ? levels.map(sqlString).join(", ") : "''"})`);
    const result = await this.client.query({
      query: `SELECT run_id, kind, level, message, attributes, time_ms FROM ${this.table}
        WHERE ${conditions.join(" AND ")} ORDER BY time_ms, seq LIMIT ${Math.max(0, Math.floor(limit))}`,
      format: "JSONEachRow",
    });
    const rows = await result.json<Omit<Row, "environment_id" | "seq" | "date">>();
    return rows.map((row) => ({
      runId: row.run_id,
      kind: row.kind,
      level: row.level || undefined,
      message: row.message,
      attributes: row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : undefined,
      time: new Date(Number(row.time_ms)).toISOString(),
    }));
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
