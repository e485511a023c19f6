// Backend code (the real @trigger.dev/sdk client), executed by dashboard/test/docs-examples.test.ts against a real
// webapp serving docs/examples/queue-limits.ts; docs/queues.md shows the region below.
// #region manage
import { queues } from "@trigger.dev/sdk";

const { data } = await queues.list(); // every queue of the environment, with its running and queued runs
const syncTenant = await queues.retrieve({ type: "task", name: "sync-tenant" }); // or by id: "queue_…"
const paused = await queues.pause({ type: "custom", name: "model-provider" }); // nothing new starts; running runs finish
await queues.resume({ type: "custom", name: "model-provider" });
const overridden = await queues.overrideConcurrencyLimit({ type: "task", name: "sync-tenant" }, 5);
const reset = await queues.resetConcurrencyLimit({ type: "task", name: "sync-tenant" }); // back to the limit in code
// #endregion manage

export const seen = { names: data.map((queue) => queue.name), syncTenant, paused, overridden, reset };
