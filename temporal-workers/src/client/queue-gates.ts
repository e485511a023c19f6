/** Client side of queue gates: update-with-start, so a queue can be configured (or asked for a slot) before any run. */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from "@temporalio/client";
import { acquireSlotUpdate, configureQueueUpdate, queueSnapshotQuery } from "../shared/messages.js";
import {
  gateTaskQueue,
  initialGateState,
  queueGateId,
  snapshotOf,
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

export function acquireQueueSlot(client: Client, workflowTaskQueue: string, key: QueueGateKey, request: AcquireSlotRequest): Promise<{ granted: boolean }> {
  return client.workflow.executeUpdateWithStart(acquireSlotUpdate, { args: [request], startWorkflowOperation: startGate(key, workflowTaskQueue) });
}

export function configureQueue(client: Client, workflowTaskQueue: string, key: QueueGateKey, change: QueueConfiguration): Promise<QueueSnapshot> {
  return client.workflow.executeUpdateWithStart(configureQueueUpdate, { args: [change], startWorkflowOperation: startGate(key, workflowTaskQueue) });
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
