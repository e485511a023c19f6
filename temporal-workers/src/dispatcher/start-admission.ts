/**
 * Admission at start: when the process starting a run also runs the engine (its dispatcher and, for development
 * runs, the session router), the run is routed and admitted before its workflow starts and the workflow begins with
 * the answer in its input. Its first workflow task then schedules the attempt at once: no local activity, no marker
 * and one activation less per run. Only while nobody waits for admission: a run that has to wait asks from its
 * workflow as before, since its admission signal needs the workflow to exist; and only while this process runs the
 * only engine worker, as the run's last release comes back through a sink in the process that ends its workflow.
 */
import type { AttemptRouter } from "../shared/attempt-routing.js";
import { isSessionRouted } from "../shared/attempt-routing.js";
import { admissionRequest } from "../shared/dispatch.js";
import { runQueueName } from "../shared/run-input.js";
import type { RunWorkflowInput, StartAdmission } from "../shared/run-types.js";
import { localDispatcher } from "./local-dispatchers.js";

/** The ticket of a start-time request: the workflow's own requests count on from it. */
const START_TICKET = 1;

/** What the engine's workers in this process offer runs started here (see createStintWorkers). */
export interface StartAdmissionHost {
  /** Routes development runs to `stint dev` sessions. */
  router?: AttemptRouter;
  /** Whether this process runs the only engine worker (see SoleEngineWatch): the run's last release comes back here. */
  soleEngine(): Promise<boolean>;
}

const hosts = new Map<string, StartAdmissionHost>();

export function registerStartAdmission(workflowTaskQueue: string, host: StartAdmissionHost): () => void {
  hosts.set(workflowTaskQueue, host);
  return () => {
    if (hosts.get(workflowTaskQueue) === host) hosts.delete(workflowTaskQueue);
  };
}

/**
 * Routes and admits a run about to start, when this process can and the run would not wait; undefined otherwise
 * (the workflow asks itself). A lease granted here is given back by releaseAtStart if the workflow does not start.
 */
export async function admitAtStart(
  workflowTaskQueue: string,
  input: RunWorkflowInput,
): Promise<StartAdmission | undefined> {
  // A delayed run is admitted when its delay is over.
  if (input.delayUntil !== undefined) return undefined;
  const dispatcher = localDispatcher(workflowTaskQueue);
  const host = hosts.get(workflowTaskQueue);
  if (!dispatcher || !host || dispatcher.waitingCount > 0 || dispatcher.knowsRun(input.runId)) return undefined;
  if (!(await host.soleEngine())) return undefined;
  let taskQueue: string | undefined;
  if (isSessionRouted(input.attemptQueue)) {
    if (!host.router) return undefined;
    // A router that cannot answer now (its database) leaves routing to the workflow, which retries it.
    const route = await host.router
      .route({ environmentId: input.environment.id, taskIdentifier: input.item.task, runId: input.runId })
      .catch(() => undefined);
    if (route?.taskQueue === undefined) return undefined;
    taskQueue = route.taskQueue;
  }
  const options = input.item.options ?? {};
  const requestedAt = Date.now();
  const request = admissionRequest(
    {
      runId: input.runId,
      environmentId: input.environment.id,
      queue: runQueueName(input.item),
      concurrencyKey: options.concurrencyKey,
      priority: options.priority,
    },
    START_TICKET,
    requestedAt,
  );
  let granted = false;
  try {
    granted = await dispatcher.request(request);
  } catch {
    // The dispatcher could not record it: the workflow asks itself.
  }
  if (!granted) {
    await releaseAtStart(workflowTaskQueue, input.runId);
    return undefined;
  }
  return { ticket: START_TICKET, requestedAt, limited: dispatcher.isLimited(request), ...(taskQueue && { taskQueue }) };
}

/** Gives back a lease admitAtStart granted to a run whose workflow did not start with it. */
export async function releaseAtStart(workflowTaskQueue: string, runId: string): Promise<void> {
  // A release the dispatcher cannot record leaves the lease to the sweeper (its workflow is not running).
  await localDispatcher(workflowTaskQueue)
    ?.release(runId)
    .catch(() => undefined);
}
