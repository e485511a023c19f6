/**
 * One dispatcher per engine: the webapp process holding a PostgreSQL session advisory lock (named after the
 * engine's task queue) runs it. The lock lives on a connection of its own and frees when that process dies or its
 * connection drops, so a standby's next try takes over.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import type { DispatcherLeadership } from "@stint/temporal-workers";

/** The lock's key: a stable 63-bit number from the engine's task queue. */
function lockKey(workflowTaskQueue: string): string {
  const digest = createHash("sha256").update(`stint-dispatcher:${workflowTaskQueue}`).digest();
  return digest.readBigInt64BE(0).toString();
}

export class AdvisoryLockLeadership implements DispatcherLeadership {
  private client: pg.Client | undefined;
  private readonly key: string;

  constructor(
    private readonly databaseUrl: string,
    workflowTaskQueue: string,
    /** Called if the lock's connection drops while leading: this process must stop dispatching. */
    private readonly onLost: () => void = () => undefined,
  ) {
    this.key = lockKey(workflowTaskQueue);
  }

  async tryAcquire(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
        this.key,
      ]);
      if (!rows[0]?.locked) {
        await client.end();
        return false;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.on("error", () => {
      if (this.client === client) {
        this.client = undefined;
        this.onLost();
      }
    });
    this.client = client;
    return true;
  }

  async resign(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // Ending the session frees its advisory locks.
    await client?.end().catch(() => undefined);
  }
}
