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
    const created = await triggerSchedules.create({
      task: "sched-report",
      cron: "0 9 * * 1",
      timezone: "Europe/Paris",
      deduplicationKey: "weekly-report",
      externalId: "team-1",
    });
    id = created.id;
    expect(id).toMatch(/^sched_/);
    expect(created).toMatchObject({
      type: "IMPERATIVE",
      task: "sched-report",
      active: true,
      timezone: "Europe/Paris",
      externalId: "team-1",
    });
    expect(created.generator).toMatchObject({ type: "CRON", expression: "0 9 * * 1" });
    expect(created.generator.description).toMatch(/09:00 AM.*Monday/);
    // Mondays 09:00 in Paris is 08:00 or 07:00 UTC depending on daylight saving time.
    expect(created.nextRun!.getUTCDay()).toBe(1);
    expect([7, 8]).toContain(created.nextRun!.getUTCHours());

    const again = await triggerSchedules.create({
      task: "sched-report",
      cron: "30 18 * * *",
      timezone: "Europe/Paris",
      deduplicationKey: "weekly-report",
      externalId: "team-1",
    });
    expect(again.id).toBe(id);
    expect(again.generator.expression).toBe("30 18 * * *");
    expect((await triggerSchedules.list()).data.map((s) => s.id)).toEqual([id]);
  });

  it("a firing runs the task with Trigger's scheduled payload", async () => {
    const client = new Client({ connection, dataConverter: stintDataConverter });
    await client.schedule.getHandle(id).trigger();
    let runId: string | undefined;
    for (
      const deadline = Date.now() + 20_000;
      !runId && Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 250))
    ) {
      runId = (await runs.list({ schedule: id })).data[0]?.id;
    }
    expect(runId).toBeDefined();
    const run = await runs.poll(runId!, { pollIntervalMs: 200 });
    // As in Trigger.dev, a scheduled run gets no tag of its own: its schedule is its own filter.
    expect(run.tags).toEqual([]);
    expect((await runs.list({ schedule: "sched_someotherschedule" })).data).toEqual([]);
    expect(run.output).toEqual({
      scheduleId: id,
      type: "IMPERATIVE",
      timezone: "Europe/Paris",
      externalId: "team-1",
      timestampIsDate: true,
      upcoming: 5,
      upcomingInOrder: true,
    });
  });

  it("deactivate pauses it (no next run), activate resumes it, delete removes it", async () => {
    const paused = await triggerSchedules.deactivate(id);
    expect(paused.active).toBe(false);
    expect(paused.nextRun ?? undefined).toBeUndefined();
    expect(
      (await new Client({ connection, dataConverter: stintDataConverter }).schedule.getHandle(id).describe()).state
        .paused,
    ).toBe(true);
    expect((await triggerSchedules.activate(id)).active).toBe(true);
    await triggerSchedules.del(id);
    await expect(triggerSchedules.retrieve(id)).rejects.toThrow(/not found/i);
  });

  it("accepts every IANA name Intl and Temporal know: current canonical names, links, Etc zones", async () => {
    // Node's Intl.supportedValuesOf("timeZone") lists ICU's ids (Asia/Calcutta, Europe/Kiev) and none of these.
    for (const [timezone, utcHour, utcMinute] of [
      ["Asia/Kolkata", 3, 30],
      ["Europe/Kyiv", 7, 0],
      ["America/Nuuk", 11, 0],
      ["US/Eastern", 14, 0],
      ["Etc/GMT+5", 14, 0],
      ["GMT", 9, 0],
    ] as const) {
      const created = await triggerSchedules.create({
        task: "sched-report",
        cron: "0 9 1 12 *",
        timezone,
        deduplicationKey: `tz-${timezone}`,
      });
      expect(created.timezone).toBe(timezone);
      // 09:00 on 1 December in that zone (no daylight saving time then, except in the southern hemisphere).
      expect([created.nextRun!.getUTCHours(), created.nextRun!.getUTCMinutes()]).toEqual([utcHour, utcMinute]);
      await triggerSchedules.del(created.id);
    }
    // Capitals as the tz database writes them, which Temporal needs: a listed name is respelled, a link becomes ICU's id.
    const lower = await triggerSchedules.create({
      task: "sched-report",
      cron: "0 9 * * *",
      timezone: "europe/paris",
      deduplicationKey: "tz-lower",
    });
    expect(lower.timezone).toBe("Europe/Paris");
    const link = await triggerSchedules.create({
      task: "sched-report",
      cron: "0 9 * * *",
      timezone: "asia/kolkata",
      deduplicationKey: "tz-lower-link",
    });
    expect(link.timezone).toBe("Asia/Calcutta");
    // Written with capitals the tz database does not use: Temporal refuses it, so ICU's id is stored instead.
    const oddCapitals = await triggerSchedules.create({
      task: "sched-report",
      cron: "0 9 * * *",
      timezone: "Asia/KOLKATA",
      deduplicationKey: "tz-odd-capitals",
    });
    expect(oddCapitals.timezone).toBe("Asia/Calcutta");
    expect((await triggerSchedules.retrieve(oddCapitals.id)).timezone).toBe("Asia/Calcutta");
    await Promise.all([
      triggerSchedules.del(lower.id),
      triggerSchedules.del(link.id),
      triggerSchedules.del(oddCapitals.id),
    ]);
    await expect(
      triggerSchedules.create({
        task: "sched-report",
        cron: "0 9 * * *",
        timezone: "+05:30",
        deduplicationKey: "tz-offset",
      }),
    ).rejects.toThrow(/timezone: "\+05:30" is not an IANA timezone name/);
  });

  it("timezones lists IANA zones; a bad cron or timezone is a 400 naming the field", async () => {
    const { timezones } = await triggerSchedules.timezones();
    expect(timezones).toContain("Europe/Paris");
    expect(timezones[0]).toBe("UTC");
    await expect(
      triggerSchedules.create({ task: "sched-report", cron: "every day", deduplicationKey: "bad" }),
    ).rejects.toThrow(/cron/);
    await expect(
      triggerSchedules.create({
        task: "sched-report",
        cron: "0 9 * * *",
        timezone: "Mars/Olympus",
        deduplicationKey: "bad",
      }),
    ).rejects.toThrow(/timezone/);
  });
});
