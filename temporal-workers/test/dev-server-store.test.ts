/**
 * The Temporal dev server's persistent store (`npm start`, compose, a standalone `stint dev`): SQLite in write-ahead-log
 * mode, so each workflow task's commit syncs one log append instead of rewriting pages through a rollback journal
 * (raw Temporal's 1,000-workflow batch: 26.9 s against 43.4 s). What it keeps survives a restart, as before.
 */
import { mkdtempSync, openSync, readSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { startDevServer, type DevServer } from "../src/dev-server/temporal-dev-server.js";

/** SQLite's file header says WAL mode with file format versions 2 (bytes 18 and 19); a rollback journal has 1. */
function journalFormat(dbFile: string): [number, number] {
  const header = Buffer.alloc(20);
  const fd = openSync(dbFile, "r");
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  return [header[18]!, header[19]!];
}

let server: DevServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("the dev server's persistent store", () => {
  it("is SQLite in write-ahead-log mode, and keeps a workflow across a restart", { timeout: 120_000 }, async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), "stint-dev-store-")), "temporal.db");
    server = await startDevServer({ dbFile, headless: true });
    const port = server.port;
    const workflowId = `store-${Date.now()}`;
    let connection = await Connection.connect({ address: server.address });
    // A workflow no worker serves: it stays open, in the store.
    await new Client({ connection }).workflow.start("noWorkerServesThis", { taskQueue: "store-test", workflowId });
    await connection.close();
    expect(journalFormat(dbFile)).toEqual([2, 2]);

    await server.stop();
    server = await startDevServer({ dbFile, port, headless: true });
    connection = await Connection.connect({ address: server.address });
    const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
    await connection.close();
    expect(description.status.name).toBe("RUNNING");
    expect(journalFormat(dbFile)).toEqual([2, 2]);
  });
});
