/**
 * The dispatcher running in this process, per engine (its workflow task queue). The engine's local activities and
 * the engine client's queue calls use it directly; a process without one forwards admissions to the dispatcher's
 * task queue (see dispatchTaskQueue), which only the process running the dispatcher polls.
 */
import type { Dispatcher } from "./dispatcher.js";

const running = new Map<string, Dispatcher>();

export function localDispatcher(workflowTaskQueue: string): Dispatcher | undefined {
  return running.get(workflowTaskQueue);
}

export function registerLocalDispatcher(workflowTaskQueue: string, dispatcher: Dispatcher): () => void {
  running.set(workflowTaskQueue, dispatcher);
  return () => {
    if (running.get(workflowTaskQueue) === dispatcher) running.delete(workflowTaskQueue);
  };
}
