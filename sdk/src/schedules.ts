/** schedules.task: a task run by schedules (declared here with `cron`, or created through the schedules API). */
import { createTask } from "./tasks/task.js";
import { sdkGlobals } from "./runtime/globals.js";
import type { TaskOptions } from "./tasks/definition.js";

export interface ScheduledTaskPayload {
  scheduleId: string;
  type: "DECLARATIVE" | "IMPERATIVE";
  timestamp: Date;
  lastTimestamp?: Date;
  externalId?: string;
  timezone: string;
  upcoming: Date[];
}

export type ScheduleOptions<TIdentifier extends string, TOutput> = TaskOptions<TIdentifier, ScheduledTaskPayload, TOutput> & {
  cron?: string | { pattern: string; timezone?: string; environments?: string[] };
};

/** Payloads cross the engine as JSON: the schedule's times arrive as ISO strings and become Dates again here. */
function revive(payload: ScheduledTaskPayload): ScheduledTaskPayload {
  const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
  return {
    ...payload,
    timestamp: date(payload.timestamp),
    lastTimestamp: payload.lastTimestamp === undefined || payload.lastTimestamp === null ? undefined : date(payload.lastTimestamp),
    upcoming: (payload.upcoming ?? []).map(date),
  };
}

export function task<TIdentifier extends string, TOutput>(options: ScheduleOptions<TIdentifier, TOutput>) {
  const run = options.run;
  const instance = createTask<TIdentifier, ScheduledTaskPayload, TOutput>({ ...options, run: (payload, params) => run(revive(payload), params) });
  if (options.cron) {
    const cron = typeof options.cron === "string" ? { pattern: options.cron } : options.cron;
    const definition = sdkGlobals().catalog.get(options.id)!;
    definition.schedule = { cron: cron.pattern, timezone: cron.timezone ?? "UTC" };
  }
  return instance;
}
