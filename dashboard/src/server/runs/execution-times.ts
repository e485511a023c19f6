/**
 * Runs' durations as execution time (their compute time), as Trigger.dev's `durationMs` counts it. A list comes from
 * Temporal's visibility, which only knows when a run's workflow started and closed: that counts the time it waited in
 * its queue (a 9 ms run that waited showed 29.6 s). A finished run's time is read once from its state, then kept.
 */
import pMap from "p-map";
import type { RunRecord } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { statusFlags } from "../api/run-presenter.js";
import type { ApiServices } from "../api/services.js";

const FINISHED_DURATIONS_KEPT = 20_000;
const finishedDurations = new Map<string, number>();

function rememberDuration(runId: string, durationMs: number): void {
  finishedDurations.set(runId, durationMs);
  if (finishedDurations.size > FINISHED_DURATIONS_KEPT)
    finishedDurations.delete(finishedDurations.keys().next().value!);
}

/** `runs` with `durationMs` their execution time: 0 until they finish, as in Trigger.dev's lists. */
export async function withExecutionTimes(
  services: ApiServices,
  env: AuthenticatedEnvironment,
  runs: RunRecord[],
): Promise<RunRecord[]> {
  const engine = services.engines.for(env);
  return pMap(
    runs,
    async (run) => {
      if (!statusFlags(run.status).isCompleted) return { ...run, durationMs: 0 };
      let durationMs = finishedDurations.get(run.id);
      if (durationMs === undefined) {
        const state = await engine.runState(run.id).catch(() => undefined);
        if (!state) return { ...run, durationMs: 0 };
        durationMs = state.durationMs;
        rememberDuration(run.id, durationMs);
      }
      return { ...run, durationMs };
    },
    { concurrency: 8 },
  );
}
