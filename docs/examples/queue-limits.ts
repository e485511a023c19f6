// Executed by temporal-workers/test/docs-examples.test.ts — keep it in step with docs/queues.md.
import { queue, task } from "@trigger.dev/sdk";

/** One shared queue for every task that calls the model provider: at most 2 calls at once, across all workers. */
export const modelProvider = queue({ name: "model-provider", concurrencyLimit: 2 });

export const summarize = task({
  id: "docs-summarize",
  queue: modelProvider,
  run: async (payload: { text: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // stands for the provider call
    return { summary: payload.text.slice(0, 10) };
  },
});

/** A task's own queue with a limit; triggers pass a concurrencyKey so each tenant gets its own copy of the limit. */
export const syncTenant = task({
  id: "docs-sync-tenant",
  queue: { concurrencyLimit: 1 },
  run: async (payload: { tenant: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { synced: payload.tenant };
  },
});
