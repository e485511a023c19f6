/** The raw-Temporal baseline: a workflow that runs one no-op activity. */
import { proxyActivities } from "@temporalio/workflow";

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: "1 minute" });

export async function rawWorkflow(): Promise<void> {
  await noop();
}
