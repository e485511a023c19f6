/**
 * Queues as the project's code declares them: each task's own queue (`task/<id>`) unless it names a shared one, and
 * every `queue({ name, concurrencyLimit })`. Workers register these with the engine, which enforces the limits.
 */
import { sdkGlobals } from "./globals.js";
import type { Queue } from "../misc.js";
import { defaultQueueName } from "../core/queue-names.js";
import type { TaskDefinition } from "../tasks/definition.js";

export interface DeclaredQueue {
  name: string;
  /** "task": a task's own queue; "custom": declared with queue() or named in a task's options. */
  type: "task" | "custom";
  concurrencyLimit: number | null;
  /** Tasks whose runs go to this queue unless a trigger names another. */
  tasks: string[];
}

const QUEUES = Symbol.for("stint.sdk.queues");

/** The queue a task's runs use: the one its definition names, else its own (`task/<id>`). */
export function taskQueueName(definition: TaskDefinition): string {
  return definition.options.queue?.name ?? defaultQueueName(definition.id);
}

export function declaredQueues(): DeclaredQueue[] {
  const queues = new Map<string, DeclaredQueue>();
  const shared =
    (globalThis as unknown as Record<symbol, Map<string, Queue> | undefined>)[QUEUES] ?? new Map<string, Queue>();
  for (const declared of shared.values()) {
    queues.set(declared.name, {
      name: declared.name,
      type: "custom",
      concurrencyLimit: declared.concurrencyLimit ?? null,
      tasks: [],
    });
  }
  for (const definition of sdkGlobals().catalog.values()) {
    const name = taskQueueName(definition);
    const limit = definition.options.queue?.concurrencyLimit ?? null;
    const known = queues.get(name);
    if (known) {
      known.concurrencyLimit ??= limit;
      known.tasks.push(definition.id);
    } else {
      queues.set(name, {
        name,
        type: definition.options.queue?.name ? "custom" : "task",
        concurrencyLimit: limit,
        tasks: [definition.id],
      });
    }
  }
  return [...queues.values()];
}
