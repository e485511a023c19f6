/**
 * Imperative and declarative schedules as Temporal Schedules: each Stint schedule (`sched_…`) is a Temporal Schedule
 * of the same id whose action starts the engine's schedule-fire workflow. The webapp keeps the list and its rows; this
 * is the only code that drives Temporal's side of them.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from "@temporalio/client";
import type { ScheduleFireInput } from "../shared/schedule-fire.js";
import { SCHEDULE_FIRE_WORKFLOW_TYPE } from "../shared/search-attributes.js";

export interface ScheduleDefinition {
  /** The schedule's id (`sched_…`), also the Temporal Schedule's. */
  id: string;
  cron: string;
  /** An IANA name as Temporal's tz database spells it (case-sensitive). */
  timezone: string;
  active: boolean;
  /** What each firing starts the run with. */
  fire: ScheduleFireInput;
}

export class EngineSchedules {
  constructor(
    private readonly client: Client,
    /** The engine's workflow task queue, where schedule-fire workflows run. */
    private readonly workflowTaskQueue: string,
  ) {}

  /** Creates the schedule or replaces its spec, action and pause state; fails on a timezone Temporal does not know. */
  async put(definition: ScheduleDefinition): Promise<void> {
    const spec = { cronExpressions: [definition.cron], timezone: definition.timezone };
    const action = {
      type: "startWorkflow" as const,
      workflowType: SCHEDULE_FIRE_WORKFLOW_TYPE,
      workflowId: `${definition.id}-fire`,
      taskQueue: this.workflowTaskQueue,
      args: [definition.fire],
    };
    const handle = this.client.schedule.getHandle(definition.id);
    const update = () =>
      handle.update((previous) => ({
        ...previous,
        spec,
        action,
        state: { ...previous.state, paused: !definition.active },
      }));
    try {
      await update();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      try {
        await this.client.schedule.create({
          scheduleId: definition.id,
          spec,
          action,
          state: { paused: !definition.active },
        });
      } catch (createError) {
        // A concurrent put of the same schedule created it a moment ago: update that one instead.
        if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
        await update();
      }
    }
  }

  /** When it fires next, or undefined (paused, or no such schedule). */
  async nextRun(id: string): Promise<Date | undefined> {
    try {
      return (await this.client.schedule.getHandle(id).describe()).info.nextActionTimes[0];
    } catch {
      return undefined;
    }
  }

  async setActive(id: string, active: boolean, note: string): Promise<void> {
    const handle = this.client.schedule.getHandle(id);
    if (active) await handle.unpause(note);
    else await handle.pause(note);
  }

  /** Deletes it; a schedule that is already gone is fine. */
  async remove(id: string): Promise<void> {
    await this.client.schedule
      .getHandle(id)
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
  }
}

/** Whether Temporal refused a schedule because its tz database does not know the timezone as spelled. */
export function isUnknownTimezoneError(error: unknown): boolean {
  return /unknown time zone/i.test((error as Error | undefined)?.message ?? "");
}
