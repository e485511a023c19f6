/** metadata.*: sync, chainable updaters on the current run (and its parent / root), flushed in batches. */
import { requireClientRuntime, requireRunRuntime, currentRunRuntime } from "./runtime/globals.js";
import type { MetadataOperation, MetadataTarget } from "./runtime/types.js";
import { streams, type AsyncIterableStream } from "./streams.js";

type Json = unknown;

function enqueue(target: MetadataTarget, operation: MetadataOperation): void {
  const runtime = currentRunRuntime();
  if (!runtime) return; // Trigger ignores metadata updates outside a run.
  runtime.enqueueMetadata(target, [operation]);
}

export interface MetadataUpdaters<Self> {
  set(key: string, value: Json): Self;
  del(key: string): Self;
  append(key: string, value: Json): Self;
  remove(key: string, value: Json): Self;
  increment(key: string, value?: number): Self;
  decrement(key: string, value?: number): Self;
  /** Streams `value` to this run's (or the parent's / root's) realtime stream `key`, as `streams.pipe` does; resolves with the same chunks. */
  stream<T>(
    key: string,
    value: AsyncIterable<T> | ReadableStream<T>,
    signal?: AbortSignal,
  ): Promise<AsyncIterableStream<T>>;
}

interface ParentMetadata extends MetadataUpdaters<ParentMetadata> {}

export interface RunMetadata extends MetadataUpdaters<RunMetadata> {
  parent: ParentMetadata;
  root: ParentMetadata;
  current(): Record<string, Json> | undefined;
  get(key: string): Json | undefined;
  replace(value: Record<string, Json>): void;
  save(value: Record<string, Json>): void;
  flush(): Promise<void>;
  refresh(): Promise<void>;
  update(runId: string, operations: MetadataOperation[]): Promise<Record<string, Json>>;
  /** Reads this run's realtime stream `key` (as `streams.read`). */
  fetchStream<T>(key: string, signal?: AbortSignal): Promise<AsyncIterableStream<T>>;
}

function updaters<Self>(target: MetadataTarget, self: () => Self): MetadataUpdaters<Self> {
  return {
    set(key: string, value: Json): Self {
      enqueue(target, { type: "set", key, value });
      return self();
    },
    del(key: string): Self {
      enqueue(target, { type: "delete", key });
      return self();
    },
    append(key: string, value: Json): Self {
      enqueue(target, { type: "append", key, value });
      return self();
    },
    remove(key: string, value: Json): Self {
      enqueue(target, { type: "remove", key, value });
      return self();
    },
    increment(key: string, value = 1): Self {
      enqueue(target, { type: "increment", key, value });
      return self();
    },
    decrement(key: string, value = 1): Self {
      enqueue(target, { type: "increment", key, value: -value });
      return self();
    },
    stream: async <T>(key: string, value: AsyncIterable<T> | ReadableStream<T>, signal?: AbortSignal) =>
      streams.pipe<T>(key, value, { target: target === "self" ? "self" : target, signal }).stream,
  };
}

const parent: ParentMetadata = updaters<ParentMetadata>("parent", () => parent);
const root: ParentMetadata = updaters<ParentMetadata>("root", () => root);
const own = updaters<RunMetadata>("self", () => metadata);

export const metadata: RunMetadata = {
  ...own,
  parent,
  root,
  current(): Record<string, Json> | undefined {
    return currentRunRuntime()?.metadata;
  },
  get(key: string): Json | undefined {
    return currentRunRuntime()?.metadata[key];
  },
  replace(value: Record<string, Json>): void {
    enqueue("self", { type: "update", value });
  },
  save(value: Record<string, Json>): void {
    enqueue("self", { type: "update", value });
  },
  async flush(): Promise<void> {
    await currentRunRuntime()?.flushMetadata();
  },
  async refresh(): Promise<void> {
    await currentRunRuntime()?.flushMetadata();
  },
  /** Updates another run's metadata from outside it. */
  async update(runId: string, operations: MetadataOperation[]): Promise<Record<string, Json>> {
    return requireClientRuntime("metadata.update").updateMetadata(runId, operations);
  },
  async fetchStream<T>(key: string, signal?: AbortSignal) {
    return streams.read<T>(requireRunRuntime("metadata.fetchStream").ctx.run.id, key, { signal });
  },
};

export function requireMetadataRuntime() {
  return requireRunRuntime("metadata");
}
