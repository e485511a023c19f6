/** Schedules through the REST API with the real SDK, on Temporal Schedules; a firing runs the task with its payload. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { configure, runs, schedules as triggerSchedules } from "@trigger.dev/sdk";
import { schedules } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { stintDataConverter } from "@stint/temporal-workers";

const report = schedules.task({
  id: "sched-report",
  run: async (payload) => ({
    scheduleId: payload.scheduleId,
    type: payload.type,
    timezone: payload.timezone,
    externalId: payload.externalId,
    timestampIsDate: payload.timestamp instanceof Date,
    upcoming: payload.upcoming.length,
    upcomingInOrder: payload.upcoming.every((d, i, all) => i === 0 || d > all[i - 1]!),
  }),
});

let t: TestWebapp;
let connection: Connection;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([report.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  connection = await Connection.connect({ address: inject("temporalAddress") });
});

afterAll(async () => {
  await connection?.close();
  await t?.stop();
});

describe("schedules", () => {
  let id: string;

  it("creates a schedule in a timezone; the same deduplication key updates it", async () => {
    const created = await triggerSchedules.create({ task: "sched-report", cron: "0 9 * * 1", timezone: "Europe/Paris", deduplicationKey: "weekly-report", externalId: "team-1" });
    id = created.id;
    expect(id).toMatch(/^sched_/);
    expect(created).toMatchObject({ type: "IMPERATIVE", task: "sched-report", active: true, timezone: "Europe/Paris", externalId: "team-1" });
    expect(created.generator).toMatchObject({ type: "CRON", expression: "0 9 * * 1" });
    expect(created.generator.description).toMatch(/09:00 AM.*Monday/);
    // Mondays 09:00 in Paris is 08:00 or 07:00 UTC depending on daylight saving time.
    expect(created.nextRun!.getUTCDay()).toBe(1);
    expect([7, 8]).toContain(created.nextRun!.getUTCHours());

    const again = await triggerSchedules.create({ task: "sched-report", cron: "30 18 * * *", timezone: "Europe/Paris", deduplicationKey: "weekly-report", externalId: "team-1" });
    expect(again.id).toBe(id);
    expect(again.generator.expression).toBe("30 18 * * *");
    expect((await triggerSchedules.list()).data.map((s) => s.id)).toEqual([id]);
  });

  it("a firing runs the task with Trigger's scheduled payload", async () => {
    const client = new Client({ connection, dataConverter: stintDataConverter });
    await client.schedule.getHandle(id).trigger();
    let runId: string | undefined;
    for (const deadline = Date.now() + 20_000; !runId && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      runId = (await runs.list({ tag: `schedule:${id}` })).data[0]?.id;
    }
    expect(runId).toBeDefined();
    const run = await runs.poll(runId!, { pollIntervalMs: 200 });
    expect(run.output).toEqual({ scheduleId: id, type: "IMPERATIVE", timezone: "Europe/Paris", externalId: "team-1", timestampIsDate: true, upcoming: 5, upcomingInOrder: true });
  });

  it("deactivate pauses it (no next run), activate resumes it, delete removes it", async () => {
    const paused = await triggerSchedules.deactivate(id);
    expect(paused.active).toBe(false);
    expect(paused.nextRun ?? undefined).toBeUndefined();
    expect((await new Client({ connection, dataConverter: stintDataConverter }).schedule.getHandle(id).describe()).state.paused).toBe(true);
    expect((await triggerSchedules.activate(id)).active).toBe(true);
    await triggerSchedules.del(id);
    await expect(triggerSchedules.retrieve(id)).rejects.toThrow(/not found/i);
  });

  it("timezones lists IANA zones; a bad cron or timezone is a 400 naming the field", async () => {
    const { timezones } = await triggerSchedules.timezones();
    expect(timezones).toContain("Europe/Paris");
    expect(timezones[0]).toBe("UTC");
    await expect(triggerSchedules.create({ task: "sched-report", cron: "every day", deduplicationKey: "bad" })).rejects.toThrow(/cron/);
    await expect(triggerSchedules.create({ task: "sched-report", cron: "0 9 * * *", timezone: "Mars/Olympus", deduplicationKey: "bad" })).rejects.toThrow(/timezone/);
  });
});
