/**
 * A runner process: loads one bundle version (its task catalog, config and queues), then runs attempt executions of
 * it, one at a time, with an AttemptRuntime whose channel forwards to the parent. The parent stops the process after
 * the result (or on a cancel, a timeout or a stale execution), so nothing of the run outlives its execution here —
 * unless the project's config asks for `processKeepAlive`: then a process that ended its execution cleanly serves
 * the next one.
 */
import { pathToFileURL } from "node:url";
import superjson from "superjson";
import { z } from "zod";
import {
  declaredQueues,
  taskQueueName,
  defaultRetryOptions,
  sdkGlobals,
  serializeError,
  setApiRelay,
  setClientRuntime,
  type ApiRelayResponse,
  type ClientRuntime,
  type SerializedError,
} from "@stint/sdk/runtime";
import type { AttemptActivityResult } from "../shared/run-types.js";
import type { AttemptChannel, RunLogEntry } from "./attempt-channel.js";
import { executeLocally } from "./execute-locally.js";
import {
  CLIENT_METHODS,
  type BundleManifest,
  type ChannelMethod,
  type ClientMethod,
  type ProcessKeepAlive,
  type RunnerBundle,
  type ToRunner,
} from "./runner-protocol.js";
import type { RunnerPort } from "./runner-transport.js";
import { RUNNER_SOCKET_ENV, socketRunnerPort } from "./socket-transport.js";

function ipcPort(): RunnerPort {
  if (!process.send) throw new Error("runner-main must be started with an IPC channel (by an executor)");
  return {
    send: (message) => void process.send!(message),
    onMessage: (listener) => void process.on("message", (message) => listener(message as ToRunner)),
    onDisconnect: (listener) => void process.on("disconnect", listener),
  };
}

class Runner {
  private nextCallId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  /** The current execution's cancel; each execution gets its own. */
  private cancel = new AbortController();
  private cancelHooks: Promise<void> | undefined;
  private failUncaught: ((error: Error) => void) | undefined;
  private executing = false;
  private loaded = false;

  constructor(private readonly port: RunnerPort) {}

  start(): void {
    this.port.onDisconnect(() => process.exit(0));
    this.port.onMessage((message) => void this.handle(message));
    // Task code that throws outside run()'s promise chain fails its attempt, never the process' session.
    process.on("uncaughtException", (error) => this.uncaught("Uncaught exception", error));
    process.on("unhandledRejection", (reason) => this.uncaught("Unhandled promise rejection", reason));
  }

  private async handle(message: ToRunner): Promise<void> {
    switch (message.type) {
      case "load":
        return this.load(message.bundle);
      case "execute":
        if (message.clientRuntime) setClientRuntime(this.forwardingClient());
        // No network or key here: task code's REST API calls go to the parent, which sends them for the run.
        if (message.apiRelay)
          setApiRelay((request) => this.call("api", "request", [request]) as Promise<ApiRelayResponse>);
        return this.execute(message.info);
      case "cancel":
        this.cancel.abort();
        // Give the onCancel hooks their turn, then let the parent stop the process.
        await (this.cancelHooks ?? Promise.resolve());
        return this.port.send({ type: "cancel-done" });
      case "reply": {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!call) return;
        if (message.ok) call.resolve(message.value);
        else call.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      }
    }
  }

  private call(
    target: "channel" | "client" | "api",
    method: ChannelMethod | ClientMethod | "request",
    args: unknown[],
  ): Promise<unknown> {
    const id = ++this.nextCallId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.port.send({ type: "call", id, target, method, args } as never);
      } catch (error) {
        this.pending.delete(id);
        reject(new Error(`${method}: a value in this call cannot be sent to the engine (${(error as Error).message})`));
      }
    });
  }

  private async load(bundle: RunnerBundle): Promise<void> {
    const globals = sdkGlobals();
    try {
      if (bundle.configFile) {
        const loaded = (await import(pathToFileURL(bundle.configFile).href)) as { default?: unknown; config?: unknown };
        globals.config = (loaded.default ?? loaded.config) as typeof globals.config;
      }
    } catch (error) {
      const serialized = serializeError(error);
      serialized.message = `trigger.config: ${serialized.message}`;
      return this.port.send({ type: "load-failed", error: serialized });
    }
    // A task file that throws while it loads is reported with its error; the other files' tasks still register.
    const loadErrors: BundleManifest["loadErrors"] = [];
    for (const entry of bundle.entries) {
      globals.currentFile = entry.source;
      try {
        await import(pathToFileURL(entry.file).href);
      } catch (error) {
        for (const [id, definition] of globals.catalog)
          if (definition.filePath === entry.source) globals.catalog.delete(id);
        loadErrors.push({ file: entry.source, error: serializeError(error) });
      }
    }
    globals.currentFile = undefined;
    if (loadErrors.length > 0 && loadErrors.length === bundle.entries.length) {
      const error = loadErrors[0]!.error;
      return this.port.send({
        type: "load-failed",
        error: { ...error, message: loadErrors.map((e) => `${e.file}: ${e.error.message}`).join("; ") },
      });
    }
    let manifest: BundleManifest;
    try {
      manifest = manifestOf(bundle.version);
    } catch (error) {
      return this.port.send({ type: "load-failed", error: serializeError(error) });
    }
    this.loaded = true;
    this.port.send({ type: "loaded", manifest: { ...manifest, ...(loadErrors.length > 0 ? { loadErrors } : {}) } });
  }

  private forwardingClient(): ClientRuntime {
    const client = {} as Record<ClientMethod, (...args: unknown[]) => Promise<unknown>>;
    for (const method of CLIENT_METHODS) client[method] = (...args) => this.call("client", method, args);
    return client as unknown as ClientRuntime;
  }

  private async execute(info: import("../shared/run-types.js").AttemptStartInfo): Promise<void> {
    this.executing = true;
    this.cancel = new AbortController();
    this.cancelHooks = undefined;
    const channel: AttemptChannel = {
      durableCall: (seq, request) =>
        this.call("channel", "durableCall", [seq, request]) as ReturnType<AttemptChannel["durableCall"]>,
      awaitWaitpoint: (seq) => this.call("channel", "awaitWaitpoint", [seq]),
      sendMetadata: (target, fromIndex, operations) =>
        this.call("channel", "sendMetadata", [target, fromIndex, operations]) as Promise<void>,
      addTags: (tags) => this.call("channel", "addTags", [tags]) as Promise<void>,
    };
    const uncaught = new Promise<never>((_, reject) => (this.failUncaught = reject));
    uncaught.catch(() => undefined);
    const result = await executeLocally(
      { info, channel, signal: this.cancel.signal },
      {
        logSink: (entry: RunLogEntry) =>
          this.port.send({ type: "log", entry: { ...entry, attributes: sendable(entry.attributes) } }),
        uncaught,
        onCancelHooks: (settled) => (this.cancelHooks = settled),
      },
    );
    // Ready for the next execution (a process kept alive) before the parent hears of this one's end.
    this.executing = false;
    this.failUncaught = undefined;
    try {
      this.port.send({ type: "result", result });
    } catch (error) {
      this.port.send({ type: "result", result: storableResult(result, error as Error) });
    }
  }

  private uncaught(what: string, reason: unknown): void {
    const original = serializeError(reason);
    const error = Object.assign(new Error(`${what} in task code: ${original.message}`), {
      name: "UncaughtExceptionError",
    });
    if (original.stack)
      error.stack = `UncaughtExceptionError: ${error.message}\n${original.stack.split("\n").slice(1).join("\n")}`;
    if (this.executing && this.failUncaught) return this.failUncaught(error);
    // While loading (a task file's top-level code) the load fails.
    if (!this.loaded) return this.port.send({ type: "load-failed", error: serializeError(error) });
    // Between executions (code an earlier run left behind): no run to fail, and this process must not serve another.
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  }
}

/**
 * An output the transport cannot clone as it is. Trigger.dev stores outputs as superjson, which leaves out what JSON
 * cannot carry (functions, symbols) and keeps Dates, Maps, BigInts and references: so does Stint. What superjson
 * cannot take either fails the attempt, naming why.
 */
function storableResult(result: AttemptActivityResult, error: Error): AttemptActivityResult {
  if (result.kind === "success") {
    try {
      return { ...result, output: superjson.parse(superjson.stringify(result.output)) };
    } catch {
      // reported below with the transport's reason
    }
  }
  const failure: SerializedError = {
    name: "TaskOutputError",
    message: `run() returned a value that cannot be stored as the run's output: ${error.message}`,
  };
  return { kind: "failure", status: "FAILED", error: failure, computeMs: result.computeMs };
}

/** Log attributes are the user's: anything the transport cannot carry is sent as text instead. */
function sendable(attributes: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!attributes) return undefined;
  try {
    structuredClone(attributes);
    return attributes;
  } catch {
    return Object.fromEntries(
      Object.entries(attributes).map(([key, value]) => [
        key,
        typeof value === "function" ? `[Function ${value.name || "anonymous"}]` : String(value),
      ]),
    );
  }
}

/** A machine option as a preset name (`{ preset }` objects too; cpu/memory alone are deprecated and not kept). */
function machinePreset(machine: unknown): string | undefined {
  if (typeof machine === "string") return machine;
  const preset = (machine as { preset?: unknown } | undefined)?.preset;
  return typeof preset === "string" ? preset : undefined;
}

const KEEP_ALIVE_DEFAULTS: ProcessKeepAlive = { maxExecutionsPerProcess: 50, devMaxPoolSize: 25 };

/** The config's `processKeepAlive` (Trigger.dev's option and defaults), checked: a clear load error if it is wrong. */
function processKeepAliveOf(option: unknown): ProcessKeepAlive | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return KEEP_ALIVE_DEFAULTS;
  const parsed = processKeepAliveSchema.safeParse(option);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`trigger.config: processKeepAlive.${issue.path.join(".")}: ${issue.message}`);
  }
  if (!parsed.data.enabled) return undefined;
  return {
    maxExecutionsPerProcess: parsed.data.maxExecutionsPerProcess ?? KEEP_ALIVE_DEFAULTS.maxExecutionsPerProcess,
    devMaxPoolSize: parsed.data.devMaxPoolSize ?? KEEP_ALIVE_DEFAULTS.devMaxPoolSize,
  };
}

const processKeepAliveSchema = z.object({
  enabled: z.boolean({ message: "true or false" }),
  maxExecutionsPerProcess: z.number().int("a whole number").min(1, "at least 1").optional(),
  devMaxPoolSize: z.number().int("a whole number").min(0, "0 or more").optional(),
});

function manifestOf(version: string): BundleManifest {
  const { catalog, config, taskIdClashes } = sdkGlobals();
  const defaultMachine = machinePreset(config?.machine);
  const processKeepAlive = processKeepAliveOf(config?.processKeepAlive);
  return {
    version,
    tasks: [...catalog.values()].map((definition) => ({
      id: definition.id,
      filePath: definition.filePath,
      exportName: definition.exportName,
      maxDuration: definition.options.maxDuration,
      retry: { ...defaultRetryOptions, ...config?.retries?.default, ...definition.options.retry },
      schedule: definition.schedule,
      queue: taskQueueName(definition),
      machine: machinePreset(definition.options.machine) ?? defaultMachine,
    })),
    queues: declaredQueues(),
    maxDuration: config?.maxDuration,
    ...(config?.network ? { network: config.network } : {}),
    ...(taskIdClashes?.size ? { taskIdClashes: [...taskIdClashes].map(([id, files]) => ({ id, files })) } : {}),
    ...(processKeepAlive ? { processKeepAlive } : {}),
  };
}

// A runner in a container has no IPC channel: it connects to the socket its executor mounted for it.
const socketPath = process.env[RUNNER_SOCKET_ENV];
new Runner(socketPath ? socketRunnerPort(socketPath) : ipcPort()).start();
