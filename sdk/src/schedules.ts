/** schedules.task: a task with a declarative cron schedule. Imperative schedule CRUD arrives with the webapp. */
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

export function task<TIdentifier extends string, TOutput>(options: ScheduleOptions<TIdentifier, TOutput>) {
  const instance = createTask<TIdentifier, ScheduledTaskPayload, TOutput>(options);
  if (options.cron) {
    const cron = typeof options.cron === "string" ? { pattern: options.cron } : options.cron;
    const definition = sdkGlobals().catalog.get(options.id)!;
    definition.schedule = { cron: cron.pattern, timezone: cron.timezone ?? "UTC" };
  }
  return instance;
}
