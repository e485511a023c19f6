/** `queues.*`: list, retrieve, pause/resume and concurrency overrides, through the webapp's REST API. */
import { callApi } from "./management-api.js";
import { paginateOffset } from "./paginate.js";
import type { QueueItemWire } from "./runtime/types.js";

export type QueueType = "task" | "custom";
/** A queue id (`queue_…`), or its type and name (a task queue's name is its task id). */
export type RetrieveQueueParam = string | { type: QueueType; name: string };

export interface QueueItem {
  id: string;
  name: string;
  type: QueueType;
  running: number;
  queued: number;
  paused: boolean;
  concurrencyLimit: number | null;
  concurrency?: {
    current: number | null;
    base: number | null;
    override: number | null;
    overriddenAt: Date | null;
    overriddenBy: string | null;
  };
}

const toItem = (wire: QueueItemWire): QueueItem => ({
  ...wire,
  concurrency: wire.concurrency && {
    ...wire.concurrency,
    overriddenAt: wire.concurrency.overriddenAt ? new Date(wire.concurrency.overriddenAt) : null,
  },
});

/** Trigger's client escapes "/" before encoding, and the API decodes twice: do the same. */
function target(queue: RetrieveQueueParam): { type: "id" | QueueType; path: string } {
  const type = typeof queue === "string" ? "id" : queue.type;
  const value = typeof queue === "string" ? queue : queue.name;
  return { type, path: `/api/v1/queues/${encodeURIComponent(value.replace(/\//g, "%2F"))}` };
}

export const queues = {
  /** A page of queues; `for await (const queue of queues.list())` goes through every page. */
  list(options: { page?: number; perPage?: number } = {}) {
    return paginateOffset<QueueItem>(async (page) => {
      const query = new URLSearchParams({ page: String(page) });
      if (options.perPage) query.set("perPage", String(options.perPage));
      const answer = await callApi<{
        data: QueueItemWire[];
        pagination: { currentPage: number; totalPages: number; count: number };
      }>("GET", `/api/v1/queues?${query}`, undefined, { what: "queues.list" });
      return { data: answer.data.map(toItem), pagination: answer.pagination };
    }, options.page ?? 1);
  },
  async retrieve(queue: RetrieveQueueParam): Promise<QueueItem> {
    const { type, path } = target(queue);
    return toItem(await callApi("GET", `${path}?type=${type}`));
  },
  async pause(queue: RetrieveQueueParam): Promise<QueueItem> {
    const { type, path } = target(queue);
    return toItem(await callApi("POST", `${path}/pause`, { type, action: "pause" }));
  },
  async resume(queue: RetrieveQueueParam): Promise<QueueItem> {
    const { type, path } = target(queue);
    return toItem(await callApi("POST", `${path}/pause`, { type, action: "resume" }));
  },
  async overrideConcurrencyLimit(queue: RetrieveQueueParam, concurrencyLimit: number): Promise<QueueItem> {
    const { type, path } = target(queue);
    return toItem(await callApi("POST", `${path}/concurrency/override`, { type, concurrencyLimit }));
  },
  async resetConcurrencyLimit(queue: RetrieveQueueParam): Promise<QueueItem> {
    const { type, path } = target(queue);
    return toItem(await callApi("POST", `${path}/concurrency/reset`, { type }));
  },
};
