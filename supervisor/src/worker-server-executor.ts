/**
 * The attempt executor of a worker server: one RunnerExecutor per environment (its versions, its variables, its logs;
 * code of one environment never runs in a runner of another), each version fetched from the webapp the first time a
 * run needs it. Where runners live is the launcher's business: containers or child processes.
 */
import { join } from "node:path";
import { ApplicationFailure } from "@temporalio/client";
import { RunnerExecutor, type AttemptExecutor, type AttemptJob, type AttemptStartInfo, type RunnerLauncher } from "@stint/temporal-workers";
import type { DeclaredQueue } from "@stint/sdk/runtime";
import { DeploymentVersions } from "./deployment-versions.js";
import type { LogShipper } from "./log-shipper.js";
import type { WorkerApi } from "./worker-api.js";

/** Environment variables are read again when they are older than this at an execution's start. */
const VARIABLES_MAX_AGE_MS = 10_000;

/** What a launcher needs to know about the environment an execution belongs to. */
export interface EnvironmentContext {
  environmentId: string;
  /** The environment's variables as of the latest fetch. */
  variables(): Record<string, string>;
  /** The folder a version's files are in (its bundle's paths point into it). */
  versionDir(version: string): string;
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
}

interface EnvironmentSlot {
  versions: DeploymentVersions;
  executor: RunnerExecutor;
  variables: Record<string, string>;
  variablesAt: number;
}

export class WorkerServerExecutor implements AttemptExecutor {
  private readonly environments = new Map<string, EnvironmentSlot>();
  private runningCount = 0;

  constructor(private readonly options: WorkerServerExecutorOptions) {}

  /** Attempt executions running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Versions held, as `<environment id>/<version>`. */
  versions(): string[] {
    return [...this.environments.values()].flatMap((slot) => slot.versions.stored().map(({ bundle }) => `${slot.versions.environmentId}/${bundle.version}`));
  }

  async prepare(info: AttemptStartInfo): Promise<void> {
    const slot = this.slot(info.environment.id);
    if (!info.version) {
      throw ApplicationFailure.nonRetryable(`${info.runId} is not locked to a deployment version: deploy the project to this environment (stint deploy) and trigger it again`, "StintNoDeployment");
    }
    await this.options.ready?.();
    if (Date.now() - slot.variablesAt > VARIABLES_MAX_AGE_MS) {
      slot.variables = await this.options.api.variables(info.environment.id);
      slot.variablesAt = Date.now();
    }
    if (slot.executor.versionFor(info) !== info.version) {
      const { bundle, manifest } = await slot.versions.fetch(info.version);
      slot.executor.addVersion(bundle, manifest);
    }
  }

  hasTask(taskId: string, version?: string, environmentId?: string): boolean {
    return (environmentId && version && this.environments.get(environmentId)?.executor.hasTask(taskId, version)) || false;
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

  close(): void {
    for (const slot of this.environments.values()) slot.executor.close();
  }

  private slot(environmentId: string): EnvironmentSlot {
    let slot = this.environments.get(environmentId);
    if (!slot) {
      const versions = new DeploymentVersions(this.options.api, environmentId, join(this.options.root, environmentId));
      const context: EnvironmentContext = { environmentId, variables: () => slot!.variables, versionDir: (version) => versions.store.dir(version) };
      const executor = new RunnerExecutor({
        launcher: this.options.launcherFor(context),
        // Containers start per execution, with the run's machine: none is kept warm ahead of one.
        poolSize: 0,
        store: versions.store,
        logSink: (entry) => this.options.logs.push({ ...entry, environmentId }),
        onNotice: (message) => this.options.log(`[supervisor] ${message}`),
      });
      slot = { versions, executor, variables: {}, variablesAt: 0 };
      this.environments.set(environmentId, slot);
    }
    return slot;
  }
}
