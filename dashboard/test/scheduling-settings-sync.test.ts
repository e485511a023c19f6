/**
 * Scheduling settings saved by one webapp reach the dispatcher's leader in another: a queue's limits, pause and rate
 * limits, an environment's limit, burst factor and weight, an organisation's limit and weight, each read back from
 * PostgreSQL as saved by the poll the leader makes every second (settingsChangedSince), and nothing older than the
 * poll's look-back is read again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresLeaseStore } from "../src/server/dispatch/postgres-lease-store.js";
import { sqlPool } from "../src/server/database/prisma-client.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;
let store: PostgresLeaseStore;
let organizationId: string;

beforeAll(async () => {
  // No dispatcher in this process: only the store is exercised.
  t = await startTestWebapp({ dispatchRuns: false });
  store = new PostgresLeaseStore(t.webapp.db);
  organizationId = (await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } })).organizationId;
});

afterAll(async () => {
  await t?.stop();
});

describe("scheduling settings saved by another webapp", () => {
  it("are read back by the leader's poll as they were saved", async () => {
    const { cursor } = await store.settingsChangedSince(undefined);
    const queue = {
      environmentId: t.dev.id,
      queue: "task/settings-sync",
      declaredLimit: 3,
      overrideLimit: 7,
      overriddenAt: "2026-12-02T10:00:00.000Z",
      defaultLimit: 100,
      paused: true,
      concurrencyLimitPerKey: 2,
      rateLimit: { limit: 10, period: "1m" },
      rateLimitPerKey: { limit: 2, period: "10s", burst: 4 },
    };
    await store.saveQueue(queue);
    await store.saveEnvironment({
      environmentId: t.prod.id,
      organizationId,
      concurrencyLimit: 40,
      burstFactor: 1.5,
      weight: 3,
    });
    await store.saveOrganization({ organizationId, concurrencyLimit: 60, weight: 2 });

    const changes = await store.settingsChangedSince(cursor);
    expect(changes.queues).toContainEqual(queue);
    expect(changes.environments).toContainEqual(
      expect.objectContaining({
        environmentId: t.prod.id,
        organizationId,
        concurrencyLimit: 40,
        burstFactor: 1.5,
        weight: 3,
      }),
    );
    expect(changes.organizations).toContainEqual({ organizationId, concurrencyLimit: 60, weight: 2 });
    expect(changes.cursor).toBeGreaterThanOrEqual(cursor);
  });

  it("leaves out what changed before the poll's look-back", async () => {
    await store.saveQueue({
      environmentId: t.dev.id,
      queue: "task/settings-old",
      declaredLimit: 1,
      overrideLimit: null,
      overriddenAt: null,
      defaultLimit: 100,
      paused: false,
    });
    // Saved ten minutes ago, as far as the table knows.
    await sqlPool(t.webapp.db).query(
      `UPDATE "QueueSetting" SET "settingsUpdatedAt" = "settingsUpdatedAt" - interval '10 minutes' WHERE "queue" = $1`,
      ["task/settings-old"],
    );
    const changes = await store.settingsChangedSince(Date.now());
    expect(changes.queues.map((row) => row.queue)).not.toContain("task/settings-old");
    // A poll from before it was saved still sees it.
    const earlier = await store.settingsChangedSince(Date.now() - 20 * 60_000);
    expect(earlier.queues.map((row) => row.queue)).toContain("task/settings-old");
  });
});
