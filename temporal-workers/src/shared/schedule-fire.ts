/** What a schedule's every firing starts its run with: the input of the engine's schedule-fire workflow. */
import type { RunPlacement } from "./run-input.js";

export interface ScheduleFireInput {
  scheduleId: string;
  type: "DECLARATIVE" | "IMPERATIVE";
  taskIdentifier: string;
  cron: string;
  timezone: string;
  externalId?: string;
  placement: RunPlacement;
}
