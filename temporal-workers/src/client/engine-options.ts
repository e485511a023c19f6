/** What a StintEngineClient is built from: shared by its parts (triggers, reads, commands), so it lives apart. */
import type { Client } from "@temporalio/client";
import type { LeaseStore } from "../dispatcher/lease-store.js";
import type { PacketStore } from "../packets/packet-store.js";
import type { EngineSettings, EnvironmentRef } from "../shared/run-types.js";

export interface EngineClientOptions {
  client: Client;
  /** Task queue of the engine's workflows. */
  workflowTaskQueue: string;
  /** Task queue whose workers execute this environment's attempts; `{task}` in it stands for the task id. */
  attemptQueue: string;
  environment: EnvironmentRef;
  settings?: Partial<EngineSettings>;
  /**
   * The queue a task's runs use when the trigger names none, for callers that do not have the task's code (the
   * webapp learns it from the queues workers declare). Without it, or when it answers undefined: `task/<id>`.
   */
  queueOfTask?: (taskId: string) => Promise<string | undefined>;
  /**
   * Whether a task's runs retry, for environments where the worker's config decides (a development session's
   * `retries.enabledInDev`); without it, `settings.retriesEnabled` applies to every run.
   */
  retriesEnabledFor?: (taskId: string) => Promise<boolean>;
  /**
   * This environment's packets: payloads past the inline limit are stored here and runs carry a reference. Without
   * it, payloads stay inline and the limit is 1 MB.
   */
  packets?: PacketStore;
  /**
   * The version a new run is locked to, given the one its trigger asked for (`lockToVersion`), for environments whose
   * versions the caller knows (a deployed environment's deployments). It may refuse a version with an EngineError.
   * Without it, or when it answers undefined, the run takes the version its first execution runs.
   */
  versionOf?: (requested: string | undefined, taskId: string) => Promise<string | undefined>;
  /**
   * The dispatcher's store, shared by the engine's processes (the webapp's PostgreSQL): a process that does not run
   * the dispatcher saves scheduling settings there and reads queues' figures from it; the leader loads the settings.
   */
  dispatchStore?: LeaseStore;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  checkpointThresholdMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  retriesEnabled: true,
};
