/**
 * Test engine: a real Temporal client and Stint workers (engine + in-process attempts) on task queues unique to
 * the calling test file, with the SDK's client runtime pointed at it. Tasks are defined in the test file itself.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileObjectStore } from "@stint/object-store";
import { inject } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { isFinalStatus } from "@stint/sdk/core";
import { declaredQueues, setClientRuntime } from "@stint/sdk/runtime";
import { StintEngineClient } from "../../src/client/engine-client.js";
import { createStintWorkers, type StintWorkers } from "../../src/worker/create-workers.js";
import type { DispatcherHosting } from "../../src/dispatcher/dispatcher-host.js";
import { InProcessExecutor } from "../../src/executor/in-process-executor.js";
import type { RunLogEntry } from "../../src/executor/attempt-channel.js";
import type { AttemptExecutor } from "../../src/executor/executor.js";
import type { EngineSettings, RunState } from "../../src/shared/run-types.js";
import { stintDataConverter } from "../../src/shared/data-converter.js";
import { objectPacketStore, type PacketStore } from "../../src/packets/packet-store.js";

export interface TestEngine {
  engine: StintEngineClient;
  client: Client;
  workers: StintWorkers;
  logs: RunLogEntry[];
  /** The environment's packet store (an embedded object store in a temporary folder), unless turned off. */
  packets?: PacketStore;
  /**
   * A client of another environment on the same engine and workers (another tenant), placed in `organizationId`
   * (and worker `pool`, when given) as the webapp's tables would tell the dispatcher.
   */
  tenant(suffix: string, placement: { organizationId: string; pool?: string }): Promise<StintEngineClient>;
  /** Waits until the run reaches a final status (or `until` holds) and returns its state. */
  waitForRun(runId: string, until?: (state: RunState) => boolean, timeoutMs?: number): Promise<RunState>;
  stop(): Promise<void>;
}

export async function startTestEngine(
  settings: Partial<EngineSettings> = {},
  options: {
    attempts?: boolean;
    colocated?: boolean;
    executor?: AttemptExecutor;
    packets?: boolean;
    environmentType?: "DEVELOPMENT" | "STAGING" | "PRODUCTION" | "PREVIEW";
    /** The engine dispatcher's store and tuning (default: in memory, production timings). */
    dispatcher?: DispatcherHosting;
    /** Hand the engine the queues the test file's tasks declare, with their limits, as `stint dev` does at start. */
    declareQueues?: boolean;
  } = {},
): Promise<TestEngine> {
  const address = inject("temporalAddress");
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: "default", dataConverter: stintDataConverter });
  const suffix = randomUUID().slice(0, 8);
  const logs: RunLogEntry[] = [];
  const objects = new FileObjectStore({
    root: mkdtempSync(join(tmpdir(), "stint-test-objects-")),
    publicUrl: "http://127.0.0.1:1",
    maxUploadBytes: 0,
  });
  const packets = options.packets === false ? undefined : objectPacketStore(objects, `env_${suffix}`);
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: `stint-engine-${suffix}`,
    attemptQueue: options.colocated ? `stint-engine-${suffix}` : `stint-attempts-${suffix}`,
    environment: {
      id: `env_${suffix}`,
      slug: `test-${suffix}`,
      type: options.environmentType ?? "DEVELOPMENT",
      projectRef: "proj_test",
    },
    settings,
    packets,
  });
  const workers = await createStintWorkers({
    client,
    address,
    workflowTaskQueue: engine.options.workflowTaskQueue,
    dispatcher: options.dispatcher,
    attempts:
      options.attempts === false
        ? undefined
        : {
            taskQueue: engine.options.attemptQueue,
            executor: options.executor ?? new InProcessExecutor({ logSink: (e) => logs.push(e) }),
            packets,
          },
  });
  void workers.run();
  setClientRuntime(engine);

  const waitForRun: TestEngine["waitForRun"] = async (runId, until, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: RunState | undefined;
    while (Date.now() < deadline) {
      last = await engine.runState(runId).catch(() => last);
      if (last && (until ? until(last) : isFinalStatus(last.status))) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} did not reach the expected state in ${timeoutMs} ms; last status ${last?.status}`);
  };

  if (options.declareQueues)
    for (const declared of declaredQueues())
      await engine.configureQueue(declared.name, { declaredLimit: declared.concurrencyLimit });

  return {
    engine,
    client,
    workers,
    logs,
    packets,
    waitForRun,
    async tenant(suffix, placement) {
      const own = engine.options.environment;
      const other = new StintEngineClient({ ...engine.options, environment: { ...own, id: `${own.id}-${suffix}` } });
      (await workers.dispatcher!.leading).setEnvironment(other.options.environment.id, placement);
      return other;
    },
    async stop() {
      setClientRuntime(undefined);
      await workers.shutdown();
      await connection.close();
    },
  };
}

/** Waits until `check` returns a value (not undefined/false), polling; throws after the deadline. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
