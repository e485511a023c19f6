/**
 * Trigger.dev's realtime API speaks the Electric shape protocol (HTTP long-polling; `@electric-sql/client` inside
 * the SDK). A feed answers the first request with every row, then holds each live request until a row changes (or
 * ~20 s pass) and sends the changed rows. What a client already has is remembered per shape handle, so a row is sent
 * again only when it changed.
 */
import { createHash, randomUUID } from "node:crypto";
import type { RunShapeRow } from "./run-shape-row.js";

export interface ShapeRequest {
  offset: string;
  handle?: string;
  live: boolean;
  signal: AbortSignal;
}

export interface ShapeResponse {
  headers: Record<string, string>;
  messages: unknown[];
}

interface FeedMemory {
  sent: Map<string, string>;
  offset: number;
  lastUsed: number;
}

const LIVE_TIMEOUT_MS = 20_000;
const POLL_MS = 400;
const FORGET_AFTER_MS = 10 * 60_000;
const UP_TO_DATE = { headers: { control: "up-to-date" } };

const fingerprint = (row: RunShapeRow) => createHash("sha1").update(JSON.stringify(row)).digest("base64");

export class ShapeFeeds {
  private readonly memory = new Map<string, FeedMemory>();
  private cursor = 0;

  constructor(private readonly pollMs = POLL_MS) {}

  /** `load` reads the shape's rows now, keyed by row id. */
  async respond(request: ShapeRequest, load: () => Promise<Map<string, RunShapeRow>>): Promise<ShapeResponse> {
    this.forgetIdle();
    const initial = request.offset === "-1" || !request.handle;
    const handle = initial ? randomUUID() : request.handle!;
    let feed = this.memory.get(handle);
    if (!feed) {
      // A handle this process does not know (first request, or the webapp restarted): send everything.
      feed = { sent: new Map(), offset: 0, lastUsed: Date.now() };
      this.memory.set(handle, feed);
    }
    feed.lastUsed = Date.now();

    const deadline = Date.now() + (request.live ? LIVE_TIMEOUT_MS : 0);
    for (;;) {
      const rows = await load();
      const changes: unknown[] = [];
      for (const [key, row] of rows) {
        const print = fingerprint(row);
        if (feed.sent.get(key) === print) continue;
        changes.push({ key, value: row, headers: { operation: feed.sent.has(key) ? "update" : "insert" } });
        feed.sent.set(key, print);
      }
      if (changes.length > 0 || !request.live || Date.now() >= deadline || request.signal.aborted) {
        if (changes.length > 0) feed.offset += 1;
        return { headers: this.headers(handle, feed.offset, request.live), messages: [...changes, UP_TO_DATE] };
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  private headers(handle: string, offset: number, live: boolean): Record<string, string> {
    return {
      "electric-handle": handle,
      "electric-offset": `${offset}_0`,
      // Values are sent as JSON already, so no column needs parsing on the client.
      "electric-schema": "{}",
      "electric-up-to-date": "",
      ...(live ? { "electric-cursor": String(++this.cursor) } : {}),
      "cache-control": "no-store",
    };
  }

  private forgetIdle(): void {
    const cutoff = Date.now() - FORGET_AFTER_MS;
    for (const [handle, feed] of this.memory) if (feed.lastUsed < cutoff) this.memory.delete(handle);
  }
}
