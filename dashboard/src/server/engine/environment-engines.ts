/**
 * One engine client per environment, over one Temporal connection. Where attempts go:
 * - development: routed per execution to the newest live `stint dev` session that registered the run's task (each
 *   session polls one queue of its own; see dev-sessions/session-router), so sessions sharing an environment never
 *   take each other's runs, and a run waits QUEUED, saying why, until some session has its task;
 * - deployed environments (staging, production, preview): `workers.<worker group>`, polled by the supervisors of that
 *   group's worker servers (one queue per group, not per environment, so a supervisor polls a few queues); every
 *   environment is in the `default` group until environments are assigned groups. Each run is locked to a version
 *   (the environment's current deployment, or the trigger's `lockToVersion`), which its attempts carry.
 */
import type { Client } from "@temporalio/client";
import { SESSION_ROUTED, StintEngineClient, type EngineSettings, type LeaseStore } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import type { EnvironmentPackets } from "../packets/environment-packets.js";

/** The worker group every deployed environment belongs to until environments are assigned groups. */
export const DEFAULT_WORKER_GROUP = "default";

/** The task queue the supervisors of a worker group poll for attempts. */
export function workerGroupTaskQueue(groupName: string): string {
  return `workers.${groupName}`;
}

/** The worker group whose supervisors run a deployed environment's attempts (none for development). */
export function workerGroupOf(env: Pick<AuthenticatedEnvironment, "type">): string | undefined {
  return env.type === "DEVELOPMENT" ? undefined : DEFAULT_WORKER_GROUP;
}

/**
 * The worker pool whose connected capacity caps a deployed environment's admissions: its worker group's task queue
 * (see worker-capacity). Development sessions have none: no capacity cap.
 */
export function attemptPoolOf(env: Pick<AuthenticatedEnvironment, "type">): string | undefined {
  const group = workerGroupOf(env);
  return group ? workerGroupTaskQueue(group) : undefined;
}

export function attemptQueueFor(env: Pick<AuthenticatedEnvironment, "id" | "type">): string {
  const group = workerGroupOf(env);
  return group ? workerGroupTaskQueue(group) : SESSION_ROUTED;
}

/** The version a new run of `environment` is locked to, given the one its trigger asked for (see the engine's versionOf). */
export type RunVersionLock = (
  environment: Pick<AuthenticatedEnvironment, "id" | "type">,
  requested: string | undefined,
  taskId: string,
) => Promise<string | undefined>;

export class EnvironmentEngines {
  private readonly engines = new Map<string, StintEngineClient>();

  constructor(
    readonly client: Client,
    readonly workflowTaskQueue: string,
    private readonly settings: Partial<EngineSettings> = {},
    /** Where a task's runs go when a trigger names no queue (its shared queue, declared by a worker). */
    private readonly queueOfTask?: (environmentId: string, taskId: string) => Promise<string | undefined>,
    /** Development environments: whether a task's runs retry (its session's `retries.enabledInDev`). */
    private readonly devRetriesEnabled?: (environmentId: string, taskId: string) => Promise<boolean>,
    /** Where each environment's large payloads go (the run carries a reference). */
    private readonly packets?: EnvironmentPackets,
    /** Deployed environments: the version each new run is locked to. */
    private readonly versionLock?: RunVersionLock,
    /** The dispatcher's store: where a process that does not lead saves scheduling settings and reads queues' figures. */
    private readonly dispatchStore?: LeaseStore,
  ) {}

  /** For calls that are not scoped to an environment yet (finding whose a token is). */
  anyEngine(): StintEngineClient {
    return this.for({
      id: "_unscoped",
      slug: "_unscoped",
      type: "PRODUCTION",
      projectId: "",
      projectRef: "",
      organizationId: "",
      jwtSigningSecret: "",
    });
  }

  for(env: AuthenticatedEnvironment): StintEngineClient {
    let engine = this.engines.get(env.id);
    if (!engine) {
      engine = new StintEngineClient({
        client: this.client,
        workflowTaskQueue: this.workflowTaskQueue,
        attemptQueue: attemptQueueFor(env),
        // The engine keys isolation (listing, idempotency, tokens) on the slug: the environment id is unique.
        environment: { id: env.id, slug: env.id, type: env.type, projectRef: env.projectRef },
        settings: this.settings,
        queueOfTask: this.queueOfTask && ((taskId) => this.queueOfTask!(env.id, taskId)),
        retriesEnabledFor:
          env.type === "DEVELOPMENT" && this.devRetriesEnabled
            ? (taskId) => this.devRetriesEnabled!(env.id, taskId)
            : undefined,
        packets: this.packets?.storeFor(env.id),
        dispatchStore: this.dispatchStore,
        versionOf: this.versionLock && ((requested, taskId) => this.versionLock!(env, requested, taskId)),
      });
      this.engines.set(env.id, engine);
    }
    return engine;
  }
}
