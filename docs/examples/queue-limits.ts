// Executed by temporal-workers/test/docs-examples.test.ts and dashboard/test/docs-examples.test.ts; docs/queues.md
// shows the regions below.
// #region declare
import { queue, task } from "@trigger.dev/sdk";

/** One shared queue for every task that calls the model provider: at most 2 calls at once, across all workers. */
export const modelProvider = queue({ name: "model-provider", concurrencyLimit: 2 });

export const summarize = task({
  id: "summarize",
  queue: modelProvider,
  run: async (payload: { text: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // stands for the provider call
    return { summary: payload.text.slice(0, 10) };
  },
});

/** A task's own queue with a limit; triggers pass a concurrencyKey so each tenant gets its own copy of the limit. */
export const syncTenant = task({
  id: "sync-tenant",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { tenant: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { synced: payload.tenant };
  },
});
// #endregion declare

export async function triggerWithKeyAndPriority(tenant: string, text: string) {
  // #region trigger
  const sync = await syncTenant.trigger({ tenant }, { concurrencyKey: tenant }); // each key gets its own copy of the limit
  const summary = await summarize.trigger({ text }, { priority: 60 }); // 60 s ahead of runs queued without priority
  // #endregion trigger
  return { sync, summary };
}
