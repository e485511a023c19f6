/**
 * Realtime streams, as in Trigger.dev v4: task code pipes an async iterable (an LLM's tokens, progress lines…) to a
 * named stream of its run; backends and browsers read it live with `streams.read` or
 * `runs.subscribeToRun(id).withStreams()`. Chunks go to the Stint webapp in small batches, each numbered from 0 per
 * run and key: when a run resumes from a wait and replays `run()`, the chunks it pipes again carry the same numbers
 * and the webapp keeps the first copy. A run does not finish before its streams are uploaded.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { callApi, webappConnection } from "./management-api.js";
import { currentAttempt, requireRunRuntime } from "./runtime/globals.js";
import type { RunRuntime } from "./runtime/types.js";
import { input } from "./input-streams.js";
import { toJsonSafe } from "./core/json-safe.js";

const DEFAULT_KEY = "default";
const FLUSH_AFTER_MS = 50;
const MAX_BATCH_CHUNKS = 500;
const MAX_BATCH_BYTES = 512 * 1024;

export interface StreamOptions {
  /** Whose stream: this run ("self", the default), its "parent", its "root", or a run id. */
  target?: "self" | "parent" | "root" | string;
  signal?: AbortSignal;
}

export type AsyncIterableStream<T> = AsyncIterable<T> & ReadableStream<T>;

export interface PipedStream<T> {
  /** The same chunks, for the task to use as well. */
  stream: AsyncIterableStream<T>;
  /** Resolves once every chunk reached the webapp. */
  waitUntilComplete(): Promise<void>;
}

/** Uploads one (run, key) stream's chunks in order; several pipes to one key share it. */
class StreamUploader {
  private buffer: unknown[] = [];
  private bufferBytes = 0;
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  active = 0;

  constructor(private readonly path: string) {}

  push(chunk: unknown): void {
    // Chunks travel and are read back as JSON: a BigInt as its digits, a cycle as "[Circular]".
    const json = toJsonSafe(chunk ?? null);
    this.buffer.push(json);
    this.bufferBytes += JSON.stringify(json).length;
    if (this.buffer.length >= MAX_BATCH_CHUNKS || this.bufferBytes >= MAX_BATCH_BYTES) void this.flush(false);
    else this.timer ??= setTimeout(() => void this.flush(false), FLUSH_AFTER_MS);
  }

  /** Sends what is buffered (and `done`, which ends the stream for readers); resolves when everything sent so far arrived. */
  flush(done: boolean): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const chunks = this.buffer.splice(0);
    this.bufferBytes = 0;
    const from = this.sent;
    this.sent += chunks.length;
    if (chunks.length > 0 || done) {
      this.chain = this.chain.then(async () => {
        if (this.failure) return;
        // Safe to repeat: the webapp keeps the first copy of each numbered chunk.
        await callApi("POST", this.path, { from, chunks, done }, { retryPost: true }).catch((error: Error) => {
          this.failure = error;
        });
      });
    }
    return this.chain.then(() => {
      if (this.failure) throw new Error(`realtime stream ${this.path}: ${this.failure.message}`);
    });
  }
}

/** Uploaders of the current execution, per target run and key (a replay gets new ones, numbering from 0 again). */
const uploaders = new WeakMap<RunRuntime, Map<string, StreamUploader>>();

function uploaderFor(
  api: string,
  key: string,
  options: StreamOptions | undefined,
): { uploader: StreamUploader; background: Set<Promise<unknown>> | undefined } {
  const runtime = requireRunRuntime(api);
  const target = options?.target ?? "self";
  const runId =
    target === "self"
      ? runtime.ctx.run.id
      : target === "parent"
        ? runtime.ctx.parentRunId
        : target === "root"
          ? (runtime.ctx.rootRunId ?? runtime.ctx.run.id)
          : target;
  if (!runId) throw new Error(`${api}: this run has no ${target} run to stream to`);
  // Fail at the pipe, not later in the upload, when there is no webapp to stream to.
  webappConnection(api);
  let byKey = uploaders.get(runtime);
  if (!byKey) uploaders.set(runtime, (byKey = new Map()));
  const path = `/engine/v1/streams/${encodeURIComponent(runId)}/${encodeURIComponent(key)}`;
  let uploader = byKey.get(path);
  if (!uploader) byKey.set(path, (uploader = new StreamUploader(path)));
  return { uploader, background: currentAttempt()?.background };
}

function toAsyncIterable<T>(value: AsyncIterable<T> | ReadableStream<T>): AsyncIterable<T> {
  if (Symbol.asyncIterator in value) return value as AsyncIterable<T>;
  const reader = (value as ReadableStream<T>).getReader();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const { done, value: chunk } = await reader.read();
          if (done) return;
          yield chunk;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/** Trigger's overloads: `(value, options?)` or `(key, value, options?)`. */
function splitKey<V, O>(
  api: string,
  first: unknown,
  second: unknown,
  third: unknown,
): { key: string; value: V; options: O | undefined } {
  if (typeof first === "string") {
    if (second === undefined) throw new TypeError(`${api}: pass the value to stream after the key`);
    return { key: first, value: second as V, options: third as O | undefined };
  }
  return { key: DEFAULT_KEY, value: first as V, options: second as O | undefined };
}

function checkKey(api: string, key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(key)) {
    throw new TypeError(`${api}: "${key}" is not a stream key; use letters, digits, "-", "_", "." or ":" (at most 64)`);
  }
}

function pipe<T>(
  keyOrValue: string | AsyncIterable<T> | ReadableStream<T>,
  valueOrOptions?: AsyncIterable<T> | ReadableStream<T> | StreamOptions,
  maybeOptions?: StreamOptions,
): PipedStream<T> {
  const { key, value, options } = splitKey<AsyncIterable<T> | ReadableStream<T>, StreamOptions>(
    "streams.pipe",
    keyOrValue,
    valueOrOptions,
    maybeOptions,
  );
  checkKey("streams.pipe", key);
  const { uploader, background } = uploaderFor("streams.pipe", key, options);
  uploader.active++;
  let controller!: ReadableStreamDefaultController<T>;
  // The task may stop reading its copy (break out of the loop): the upload carries on regardless.
  let localOpen = true;
  const local = new ReadableStream<T>({ start: (c) => void (controller = c), cancel: () => void (localOpen = false) });
  const uploaded = (async () => {
    try {
      for await (const chunk of toAsyncIterable(value)) {
        if (options?.signal?.aborted) break;
        uploader.push(chunk);
        if (localOpen) controller.enqueue(chunk);
      }
      if (localOpen) controller.close();
    } catch (error) {
      if (localOpen) controller.error(error);
      throw error;
    } finally {
      uploader.active--;
      await uploader.flush(uploader.active === 0);
    }
  })();
  // A failed source or upload surfaces through waitUntilComplete; the run waits for it but does not crash on it.
  background?.add(uploaded.catch(() => undefined));
  return { stream: local as AsyncIterableStream<T>, waitUntilComplete: () => uploaded };
}

/** One chunk (Trigger's `streams.append(key, part)` / `streams.append(part)`), sent at once. */
async function append(
  keyOrValue: string,
  valueOrOptions?: string | StreamOptions,
  maybeOptions?: StreamOptions,
): Promise<void> {
  const { key, value, options } =
    typeof valueOrOptions === "string"
      ? { key: keyOrValue, value: valueOrOptions, options: maybeOptions }
      : { key: DEFAULT_KEY, value: keyOrValue, options: valueOrOptions };
  checkKey("streams.append", key);
  const { uploader } = uploaderFor("streams.append", key, options);
  uploader.push(value);
  await uploader.flush(false);
}

interface WriterApi<T> {
  write(chunk: T): void;
  merge(stream: AsyncIterable<T> | ReadableStream<T>): void;
}

function writer<T>(
  keyOrOptions: string | ({ execute(api: WriterApi<T>): void | Promise<void> } & StreamOptions),
  maybeOptions?: { execute(api: WriterApi<T>): void | Promise<void> } & StreamOptions,
): PipedStream<T> {
  const key = typeof keyOrOptions === "string" ? keyOrOptions : DEFAULT_KEY;
  const options = (typeof keyOrOptions === "string" ? maybeOptions : keyOrOptions)!;
  if (typeof options?.execute !== "function")
    throw new TypeError("streams.writer: pass { execute: ({ write, merge }) => … }");
  const merges: Promise<void>[] = [];
  let controller!: ReadableStreamDefaultController<T>;
  const source = new ReadableStream<T>({ start: (c) => void (controller = c) });
  const api: WriterApi<T> = {
    write: (chunk) => controller.enqueue(chunk),
    merge: (stream) =>
      void merges.push(
        (async () => {
          for await (const chunk of toAsyncIterable(stream)) controller.enqueue(chunk);
        })(),
      ),
  };
  void (async () => {
    try {
      await options.execute(api);
      await Promise.all(merges);
      controller.close();
    } catch (error) {
      controller.error(error);
    }
  })();
  return pipe(key, source, options);
}

/** Reads a run's stream from the webapp (server-sent events) until it ends; `startIndex` skips the first chunks. */
async function read<T = unknown>(
  runId: string,
  keyOrOptions?: string | ReadOptions,
  maybeOptions?: ReadOptions,
): Promise<AsyncIterableStream<T>> {
  const key = typeof keyOrOptions === "string" ? keyOrOptions : DEFAULT_KEY;
  const options = (typeof keyOrOptions === "string" ? maybeOptions : keyOrOptions) ?? {};
  const webapp = webappConnection("streams.read");
  const headers: Record<string, string> = {
    ...(webapp.key ? { authorization: `Bearer ${webapp.key}` } : {}),
    accept: "text/event-stream",
    "timeout-seconds": String(options.timeoutInSeconds ?? 60),
  };
  if (options.startIndex) headers["last-event-id"] = String(options.startIndex - 1);
  const response = await webapp.fetch(
    new URL(`/realtime/v1/streams/${encodeURIComponent(runId)}/${encodeURIComponent(key)}`, webapp.baseURL),
    { headers, signal: options.signal },
  );
  if (!response.ok || !response.body)
    throw new Error(`streams.read: ${response.status} ${await response.text().catch(() => "")}`);
  const body = response.body.pipeThrough(new TextDecoderStream());
  let parser: ReturnType<typeof createParser> | undefined;
  const chunks = body.pipeThrough(
    new TransformStream<string, T>({
      start(controller) {
        parser = createParser({
          onEvent: (event: EventSourceMessage) => controller.enqueue(JSON.parse(event.data) as T),
        });
      },
      transform(text) {
        parser!.feed(text);
      },
    }),
  );
  return chunks as AsyncIterableStream<T>;
}

interface ReadOptions {
  signal?: AbortSignal;
  timeoutInSeconds?: number;
  startIndex?: number;
}

function define<T>(definition: { id: string }) {
  return {
    id: definition.id,
    pipe: (value: AsyncIterable<T> | ReadableStream<T>, options?: StreamOptions) =>
      pipe<T>(definition.id, value, options),
    read: (runId: string, options?: ReadOptions) => read<T>(runId, definition.id, options),
    append: (value: string, options?: StreamOptions) => append(definition.id, value, options),
    writer: (options: { execute(api: WriterApi<T>): void | Promise<void> } & StreamOptions) =>
      writer<T>(definition.id, options),
  };
}

export const streams = { pipe, read, append, writer, define, input };
