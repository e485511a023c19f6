/** Client side of queue gates: update-with-start, so a queue can be configured (or asked for a slot) before any run. */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from "@temporalio/client";
import { gateWorkerNeeded } from "../worker/gate-worker.js";
import { acquireSlotUpdate, configureQueueUpdate, queueSnapshotQuery } from "../shared/messages.js";
import {
  gateTaskQueue,
  initialGateState,
  needsGate,
  queueGateId,
  snapshotOf,
  type SlotAnswer,
  type AcquireSlotRequest,
  type QueueConfiguration,
  type QueueGateKey,
  type QueueSnapshot,
} from "../shared/queue-gate.js";

export const QUEUE_GATE_WORKFLOW_TYPE = "queueGateWorkflow";

function startGate(key: QueueGateKey, workflowTaskQueue: string) {
  return new WithStartWorkflowOperation(QUEUE_GATE_WORKFLOW_TYPE, {
    workflowId: queueGateId(key),
    taskQueue: gateTaskQueue(workflowTaskQueue),
    args: [initialGateState(key)],
    workflowIdConflictPolicy: "USE_EXISTING",
  });
}

/** How long a worker trusts what it last heard of a queue's settings: a pause or a new limit takes this long to apply. */
export const QUEUE_SETTINGS_TTL_MS = 2_000;

/**
 * Admission for one execution. Queues with no limit and no pause skip the gate (their settings are cached for
 * QUEUE_SETTINGS_TTL_MS per worker process); the others ask their gate (update-with-start).
 */
export class QueueAdmission {
  private readonly settings = new Map<string, { gated: Promise<boolean>; until: number }>();

  constructor(
    private readonly client: Client,
    private readonly workflowTaskQueue: string,
  ) {}

  async acquire(key: QueueGateKey, request: AcquireSlotRequest): Promise<SlotAnswer> {
    // Only runs started before the engine's dispatcher ask here: their gates need this process's gate worker.
    await gateWorkerNeeded(this.workflowTaskQueue);
    // A limit from the run's code always goes through the gate (the settings cached here may predate it).
    if (request.declaredLimit == null && !(await this.isGated(key))) return { granted: true, gated: false };
    const { granted } = await this.client.workflow.executeUpdateWithStart(acquireSlotUpdate, {
      args: [request],
      startWorkflowOperation: startGate(key, this.workflowTaskQueue),
    });
    if (request.declaredLimit != null) this.settings.delete(queueGateId(key));
    return { granted, gated: true };
  }

  private isGated(key: QueueGateKey): Promise<boolean> {
    const id = queueGateId(key);
    const cached = this.settings.get(id);
    if (cached && cached.until > Date.now()) return cached.gated;
    // A gate that does not answer a query quickly (overloaded server) counts as gated: the update path always works.
    const gated = this.client
      .withDeadline(Date.now() + 3_000, () => describeQueue(this.client, key))
      .then(needsGate, () => {
        this.settings.delete(id);
        return true;
      });
    this.settings.set(id, { gated, until: Date.now() + QUEUE_SETTINGS_TTL_MS });
    return gated;
  }
}

export async function configureQueue(
  client: Client,
  workflowTaskQueue: string,
  key: QueueGateKey,
  change: QueueConfiguration,
): Promise<QueueSnapshot> {
  await gateWorkerNeeded(workflowTaskQueue);
  return client.workflow.executeUpdateWithStart(configureQueueUpdate, {
    args: [change],
    startWorkflowOperation: startGate(key, workflowTaskQueue),
  });
}

/** A queue's live figures; a queue no run has used yet is empty and unpaused. */
export async function describeQueue(client: Client, key: QueueGateKey): Promise<QueueSnapshot> {
  try {
    return await client.workflow.getHandle(queueGateId(key)).query(queueSnapshotQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return snapshotOf(initialGateState(key));
    throw error;
  }
}
