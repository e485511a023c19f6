/**
 * The attempt executor of a worker server: one RunnerExecutor per environment (its versions, its variables, its logs;
 * code of one environment never runs in a runner of another), each version fetched from the webapp the first time a
 * run needs it. Where runners live is the launcher's business: containers or child processes.
 *
 * Warm starts: for each environment's current deployment (as the webapp reports it) a few runners are kept started
 * with the version loaded, per machine preset its tasks use, so an attempt does not wait for a container to start.
 * Each serves one execution; the pool refills after use, is replaced when the environment's variables change and
 * drained when another version becomes current or the supervisor stops.
 */
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ApplicationFailure } from "@temporalio/client";
import {
  RunnerExecutor,
  type AttemptExecutor,
  type AttemptJob,
  type AttemptStartInfo,
  type RunnerLauncher,
} from "@stint/temporal-workers";
import type { DeclaredQueue } from "@stint/sdk/runtime";
import { DeploymentVersions, type DeployedTask, type LoadedVersion } from "./deployment-versions.js";
import { machineFor, machinePreset } from "./machine-presets.js";
import type { LogShipper } from "./log-shipper.js";
import type { WorkerApi } from "./worker-api.js";

/** Environment variables are read again when they are older than this at an execution's start. */
const VARIABLES_MAX_AGE_MS = 10_000;
/**
 * Between executions (at each heartbeat) variables older than this are read again ahead of time, so an execution's
 * start does not wait for the webapp; environments unused for longer than VARIABLES_IDLE_MS are left alone.
 */
const VARIABLES_REFRESH_AGE_MS = 4_000;
const VARIABLES_IDLE_MS = 10 * 60_000;

/** What a launcher needs to know about the environment an execution belongs to. */
export interface EnvironmentContext {
  environmentId: string;
  /** The environment's variables as of the latest fetch. */
  variables(): Record<string, string>;
  /** The folder a version's files are in (its bundle's paths point into it). */
  versionDir(version: string): string;
  /** The network a version's containers get: none, unless its trigger.config.ts asks for the host's. */
  network(version: string): "none" | "host";
}

export interface WorkerServerExecutorOptions {
  api: WorkerApi;
  /** Where versions are kept: `<root>/<environment id>/<version>/`. */
  root: string;
  launcherFor(environment: EnvironmentContext): RunnerLauncher;
  logs: LogShipper;
  log: (line: string) => void;
  /** Checked before each execution: an engine that cannot start runners (Docker down) fails it as retryable. */
  ready?: () => Promise<void>;
  /** Runners kept warm per current deployment and machine preset (0: every execution starts its own). */
  warmPoolSize: number;
  /** This server's name in its group: relayed API requests carry it. */
  serverName: string;
}

/** An environment's current deployment, as the webapp reports it. */
export interface CurrentDeployment {
  environmentId: string;
  version: string;
}

interface EnvironmentSlot {
  versions: DeploymentVersions;
  executor: RunnerExecutor;
  variables: Record<string, string>;
  variablesAt: number;
  /** A read of the variables under way: callers share it. */
  variablesRead?: Promise<void>;
  /** When an execution of this environment last started. */
  usedAt: number;
  /** Each known version's network, from its manifest. */
  networks: Map<string, "none" | "host">;
  /** The version kept warm, and the newest one asked for (being fetched). */
  warmVersion?: string;
  wantedVersion?: string;
}

export class WorkerServerExecutor implements AttemptExecutor {
  private readonly environments = new Map<string, EnvironmentSlot>();
  private runningCount = 0;
  private closed = false;

  constructor(private readonly options: WorkerServerExecutorOptions) {}

  /** Attempt executions running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Versions held, as `<environment id>/<version>`. */
  versions(): string[] {
    return [...this.environments.values()].flatMap((slot) =>
      slot.versions.stored().map(({ bundle }) => `${slot.versions.environmentId}/${bundle.version}`),
    );
  }

  async prepare(info: AttemptStartInfo): Promise<void> {
    const slot = this.slot(info.environment.id);
    if (!info.version) {
      throw ApplicationFailure.nonRetryable(
        `${info.runId} is not locked to a deployment version: deploy the project to this environment (stint deploy) and trigger it again`,
        "StintNoDeployment",
      );
    }
    slot.usedAt = Date.now();
    await this.options.ready?.();
    await this.refreshVariables(slot);
    if (slot.executor.versionFor(info) !== info.version) addVersion(slot, await slot.versions.fetch(info.version));
  }

  /**
   * Keeps runners of each environment's current deployment warm (fetching the version first if needed); an
   * environment whose current version changed has its warm runners of the old one stopped.
   */
  async keepWarm(deployments: CurrentDeployment[]): Promise<void> {
    if (this.options.warmPoolSize === 0 || this.closed) return;
    await Promise.all(
      deployments.map(async ({ environmentId, version }) => {
        const slot = this.slot(environmentId);
        if (slot.warmVersion === version) return;
        slot.wantedVersion = version;
        try {
          await this.options.ready?.();
          await this.refreshVariables(slot);
          const { manifest } = addVersion(slot, await slot.versions.fetch(version));
          // Fetches overlap: only the newest version asked for is kept warm.
          if (slot.warmVersion === version || slot.wantedVersion !== version || this.closed) return;
          slot.warmVersion = version;
          const machines = [
            ...new Set(manifest.tasks.map((task) => machinePreset((task as DeployedTask).machine).name)),
          ];
          slot.executor.keepWarm(version, machines);
          this.options.log(
            `[supervisor] keeping ${this.options.warmPoolSize} warm per machine (${machines.join(", ")}) for ${environmentId} version ${version}`,
          );
        } catch (error) {
          this.options.log(
            `[supervisor] cannot keep version ${version} of ${environmentId} warm (tried again at the next heartbeat): ${(error as Error).message}`,
          );
        }
      }),
    );
  }

  /** Variables older than VARIABLES_MAX_AGE_MS are read again; warm runners started with other values are replaced. */
  private async refreshVariables(slot: EnvironmentSlot, maxAgeMs = VARIABLES_MAX_AGE_MS): Promise<void> {
    if (Date.now() - slot.variablesAt <= maxAgeMs) return;
    slot.variablesRead ??= (async () => {
      const variables = await this.options.api.variables(slot.versions.environmentId);
      const changed = slot.variablesAt > 0 && !isDeepStrictEqual(variables, slot.variables);
      slot.variables = variables;
      slot.variablesAt = Date.now();
      if (changed) slot.executor.drainWarm("the environment's variables changed");
    })().finally(() => (slot.variablesRead = undefined));
    return slot.variablesRead;
  }

  /**
   * Reads the variables of recently used environments again ahead of their next execution (called at each
   * heartbeat): an execution then starts with variables at most VARIABLES_MAX_AGE_MS old without a round trip.
   */
  refreshVariablesAhead(): void {
    const now = Date.now();
    for (const slot of this.environments.values()) {
      // Environments with warm runners too: a change of their variables replaces those runners now.
      const active = now - slot.usedAt <= VARIABLES_IDLE_MS || slot.warmVersion !== undefined;
      if (!active || now - slot.variablesAt <= VARIABLES_REFRESH_AGE_MS) continue;
      void this.refreshVariables(slot, VARIABLES_REFRESH_AGE_MS).catch((error: Error) =>
        this.options.log(
          `[supervisor] cannot read the variables of ${slot.versions.environmentId} (read again at the next execution): ${error.message}`,
        ),
      );
    }
  }

  hasTask(taskId: string, version?: string, environmentId?: string): boolean {
    return (
      (environmentId && version && this.environments.get(environmentId)?.executor.hasTask(taskId, version)) || false
    );
  }

  declaredQueues(version?: string, environmentId?: string): DeclaredQueue[] {
    return (environmentId && this.environments.get(environmentId)?.executor.declaredQueues(version)) || [];
  }

  versionFor(info: AttemptStartInfo): string | undefined {
    return this.environments.get(info.environment.id)?.executor.versionFor(info);
  }

  async execute(job: AttemptJob) {
    const slot = this.environments.get(job.info.environment.id);
    if (!slot) throw new Error(`no executor for environment ${job.info.environment.id} (prepare was not called)`);
    this.runningCount++;
    try {
      return await slot.executor.execute(job);
    } finally {
      this.runningCount--;
    }
  }

  /** Stops every runner, warm or running; resolves once all of them are gone (their containers removed). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.environments.values()].map((slot) => slot.executor.close()));
  }

  private slot(environmentId: string): EnvironmentSlot {
    let slot = this.environments.get(environmentId);
    if (!slot) {
      const versions = new DeploymentVersions(this.options.api, environmentId, join(this.options.root, environmentId));
      const context: EnvironmentContext = {
        environmentId,
        variables: () => slot!.variables,
        versionDir: (version) => versions.store.dir(version),
        network: (version) => slot!.networks.get(version) ?? "none",
      };
      const executor = new RunnerExecutor({
        launcher: this.options.launcherFor(context),
        poolSize: this.options.warmPoolSize,
        machineOf: (execution) => machineFor(execution).name,
        store: versions.store,
        logSink: (entry) => this.options.logs.push({ ...entry, environmentId }),
        onNotice: (message) => this.options.log(`[supervisor] ${message}`),
        // Task code's management calls (runs.retrieve, wait.createToken…) go to the webapp for its run's environment,
        // with this group's token: the runner holds no key.
        apiRelay: (info, request) =>
          this.options.api.relay(
            { environmentId: info.environment.id, runId: info.runId, server: this.options.serverName },
            request,
          ),
      });
      slot = { versions, executor, variables: {}, variablesAt: 0, usedAt: Date.now(), networks: new Map() };
      for (const stored of versions.stored()) addVersion(slot, stored);
      this.environments.set(environmentId, slot);
    }
    return slot;
  }
}

function addVersion(slot: EnvironmentSlot, version: LoadedVersion): LoadedVersion {
  slot.networks.set(version.bundle.version, version.manifest.network ?? "none");
  slot.executor.addVersion(version.bundle, version.manifest);
  return version;
}
