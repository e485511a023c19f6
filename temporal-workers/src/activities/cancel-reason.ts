/**
 * Why Temporal cancelled an attempt activity. Only a canceled run is a cancel for task code (its signal aborts, its
 * onCancel hooks run); an execution that timed out (a newer one replays the attempt), that a paused or reset
 * activity or a stopping worker ended, is superseded: its code just stops.
 */
import type { Context } from "@temporalio/activity";
import type { Client } from "@temporalio/client";
import { runStateQuery } from "../shared/messages.js";

export async function wasRunCanceled(client: Client, runId: string, context: Context): Promise<boolean> {
  const details = context.cancellationDetails;
  if (details?.cancelRequested) return true;
  // The run's workflow does not wait for its attempt to acknowledge a cancel, so a canceled run is usually already
  // closed when the activity hears of it (NOT_FOUND) — which is also what an activity attempt Temporal replaced hears.
  if (!details?.notFound) return false;
  try {
    const handle = client.workflow.getHandle(runId);
    const { status } = await handle.describe();
    if (status.name === "CANCELLED") return true;
    // Runs canceled before they closed as Canceled in Temporal closed as Completed with a CANCELED state.
    return status.name === "COMPLETED" && (await handle.query(runStateQuery)).status === "CANCELED";
  } catch {
    // Temporal cannot say: stopping without onCancel is the safe side (a cancel still ends the run as canceled).
    return false;
  }
}
