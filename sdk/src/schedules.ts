/**
 * schedules.task: a task run by schedules (declared here with `cron`, or created through the schedules API), and the
 * schedules API itself (create, list, update…).
 */
import { callApi, withQuery } from "./management-api.js";
import { paginateOffset } from "./paginate.js";
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

export type ScheduleOptions<TIdentifier extends string, TOutput> = TaskOptions<
  TIdentifier,
  ScheduledTaskPayload,
  TOutput
> & {
  cron?: string | { pattern: string; timezone?: string; environments?: string[] };
};

/** Payloads cross the engine as JSON: the schedule's times arrive as ISO strings and become Dates again here. */
function revive(payload: ScheduledTaskPayload): ScheduledTaskPayload {
  const date = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
  return {
    ...payload,
    timestamp: date(payload.timestamp),
    lastTimestamp:
      payload.lastTimestamp === undefined || payload.lastTimestamp === null ? undefined : date(payload.lastTimestamp),
    upcoming: (payload.upcoming ?? []).map(date),
  };
}

export function task<TIdentifier extends string, TOutput>(options: ScheduleOptions<TIdentifier, TOutput>) {
  const run = options.run;
  const instance = createTask<TIdentifier, ScheduledTaskPayload, TOutput>({
    ...options,
    run: (payload, params) => run(revive(payload), params),
  });
  if (options.cron) {
    const cron = typeof options.cron === "string" ? { pattern: options.cron } : options.cron;
    const definition = sdkGlobals().catalog.get(options.id)!;
    definition.schedule = { cron: cron.pattern, timezone: cron.timezone ?? "UTC" };
  }
  return instance;
}

/** A schedule as the schedules API answers it (imperative ones made with `schedules.create`, and declarative ones). */
export interface ScheduleObject {
  id: string;
  type: "DECLARATIVE" | "IMPERATIVE";
  task: string;
  active: boolean;
  deduplicationKey?: string | null;
  externalId?: string | null;
  generator: { type: "CRON"; expression: string; description: string };
  timezone: string;
  nextRun?: Date | string | null;
  environments: Array<{ id: string; type: string; userName?: string | null }>;
}

export interface CreateScheduleOptions {
  task: string;
  cron: string;
  /** Re-creating with the same key updates that schedule instead of adding one. */
  deduplicationKey: string;
  timezone?: string;
  externalId?: string;
}
export type UpdateScheduleOptions = Omit<CreateScheduleOptions, "deduplicationKey">;

const schedulePath = (id?: string, action?: string) =>
  `/api/v1/schedules${id === undefined ? "" : `/${encodeURIComponent(id)}`}${action ? `/${action}` : ""}`;

/** Schedules API calls (through the webapp, which runs them on Temporal Schedules). */
export function create(options: CreateScheduleOptions): Promise<ScheduleObject> {
  return callApi("POST", schedulePath(), options, { what: "schedules.create", retryPost: true });
}
export function retrieve(scheduleId: string): Promise<ScheduleObject> {
  return callApi("GET", schedulePath(scheduleId), undefined, { what: "schedules.retrieve" });
}
export function update(scheduleId: string, options: UpdateScheduleOptions): Promise<ScheduleObject> {
  return callApi("PUT", schedulePath(scheduleId), options, { what: "schedules.update" });
}
export function del(scheduleId: string): Promise<ScheduleObject> {
  return callApi("DELETE", schedulePath(scheduleId), undefined, { what: "schedules.del" });
}
export function activate(scheduleId: string): Promise<ScheduleObject> {
  return callApi("POST", schedulePath(scheduleId, "activate"), {}, { what: "schedules.activate", retryPost: true });
}
export function deactivate(scheduleId: string): Promise<ScheduleObject> {
  return callApi("POST", schedulePath(scheduleId, "deactivate"), {}, { what: "schedules.deactivate", retryPost: true });
}
/** A page of schedules; `for await` goes through every page. */
export function list(options: { page?: number; perPage?: number } = {}) {
  return paginateOffset<ScheduleObject>(
    (page) =>
      callApi("GET", withQuery(schedulePath(), { page, perPage: options.perPage }), undefined, {
        what: "schedules.list",
      }),
    options.page ?? 1,
  );
}
/** IANA timezones a schedule accepts (`excludeUtc` leaves "UTC" out). */
export async function timezones(options: { excludeUtc?: boolean } = {}): Promise<{ timezones: string[] }> {
  const answer = await callApi<{ timezones: string[] }>("GET", "/api/v1/timezones", undefined, {
    what: "schedules.timezones",
  });
  return options.excludeUtc ? { timezones: answer.timezones.filter((zone) => zone !== "UTC") } : answer;
}
