/** The plain-Temporal tenants' run: one short activity on the shared activity queue, with or without a fairness key. */
import { proxyActivities } from "@temporalio/workflow";

export async function fairnessWorkflow(tenant: string, activityQueue: string, fairnessKey: boolean): Promise<void> {
  const { work } = proxyActivities<{ work(tenant: string): Promise<void> }>({
    taskQueue: activityQueue,
    startToCloseTimeout: "1 minute",
    // Temporal server 1.32's fairness: tasks are dispatched across keys in proportion to their weights.
    ...(fairnessKey ? { priority: { fairnessKey: tenant } } : {}),
  });
  await work(tenant);
}
