/**
 * One firing of a schedule. A Temporal Schedule starts this workflow at each cron time; it builds Trigger.dev's
 * ScheduledTaskPayload and starts the run as a workflow of its own (abandoned, so the run outlives the firing).
 */
import * as wf from "@temporalio/workflow";
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";
import type { EngineActivities } from "../activities/attempt-activity-types.js";
import type { ScheduleFireInput } from "../shared/schedule-fire.js";
import { startChildRun } from "./waitpoints.js";

// Set by Temporal on workflows a schedule starts: the cron time this firing stands for.
const SCHEDULED_START = defineSearchAttributeKey("TemporalScheduledStartTime", SearchAttributeType.DATETIME);
const engine = wf.proxyLocalActivities<EngineActivities>({ startToCloseTimeout: "10 seconds" });

export async function scheduleFireWorkflow(input: ScheduleFireInput): Promise<{ runId: string }> {
  const scheduledStart = wf.workflowInfo().typedSearchAttributes.get(SCHEDULED_START);
  const timestamp = scheduledStart ?? new Date(Date.now());
  const times = await engine.scheduleTimes(input.cron, input.timezone, timestamp.toISOString());
  const payload = {
    scheduleId: input.scheduleId,
    type: input.type,
    timestamp: timestamp.toISOString(),
    lastTimestamp: times.lastTimestamp,
    externalId: input.externalId,
    timezone: input.timezone,
    upcoming: times.upcoming,
  };
  // No tag: Trigger.dev gives a scheduled run none. Its schedule is a field of its own (runs.list's filter[schedule]).
  const { handle } = await startChildRun(
    { task: input.taskIdentifier, payload },
    { ...input.placement, scheduleId: input.scheduleId },
    "ABANDON",
  );
  return { runId: handle.id };
}
