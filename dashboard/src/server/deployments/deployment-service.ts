/**
 * Deployments of an environment, as `stint deploy` makes them: initialize (a new version, PENDING), record the
 * manifest, store the bundle, finalize (DEPLOYED, and current unless told otherwise). Making a version current —
 * a deploy, or promoting an older one — registers its queues and declarative schedules for the environment. New runs
 * are locked to the current version (see run-version-lock.ts).
 */
import type { ObjectStore } from "@stint/object-store";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { newId } from "../auth/secrets.js";
import type { Database } from "../database/prisma-client.js";
import type { Deployment } from "../../generated/prisma/index.js";
import { ApiError, notFound } from "../api/api-error.js";
import type { QueueService } from "../queues/queue-service.js";
import { checkCron, type ScheduleService } from "../schedules/schedule-service.js";
import { bundleObjectKey, encodeStoredBundle, type DeploymentBundleFiles } from "./deployment-bundle.js";
import { declaredSchedules, deploymentManifestSchema, type DeploymentManifest } from "./deployment-manifest.js";
import { newShortCode, nextVersion, VERSION_PATTERN } from "./deployment-version.js";

export type { Deployment };

/** Who acts: shown in the deployments list. */
export type Actor = string;

export class DeploymentService {
  constructor(
    private readonly db: Database,
    private readonly store: ObjectStore,
    private readonly schedules: ScheduleService,
    private readonly queues: QueueService,
  ) {}

  /** A new PENDING deployment with the environment's next version. */
  async initialize(
    env: AuthenticatedEnvironment,
    input: { contentHash: string; createdBy: Actor },
  ): Promise<Deployment> {
    refuseDevelopment(env);
    // Two deploys at the same moment compute the same next version: the unique index refuses one, which tries again.
    for (let attempt = 0; ; attempt++) {
      const latest = await this.db.deployment.findFirst({
        where: { environmentId: env.id },
        orderBy: { createdAt: "desc" },
        select: { version: true },
      });
      try {
        return await this.db.deployment.create({
          data: {
            id: newId("deployment_"),
            environmentId: env.id,
            version: nextVersion(latest?.version, new Date()),
            shortCode: newShortCode(),
            contentHash: input.contentHash,
            createdBy: input.createdBy,
          },
        });
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002" || attempt >= 5) throw error;
      }
    }
  }

  /** A deployment by id (`deployment_…`), short code or version. */
  async get(env: AuthenticatedEnvironment, ref: string): Promise<Deployment> {
    const where = ref.startsWith("deployment_")
      ? { id: ref }
      : VERSION_PATTERN.test(ref)
        ? { environmentId_version: { environmentId: env.id, version: ref } }
        : { shortCode: ref };
    const deployment = await this.db.deployment.findUnique({ where });
    if (!deployment || deployment.environmentId !== env.id) throw notFound(`Deployment ${ref}`);
    return deployment;
  }

  async recordManifest(env: AuthenticatedEnvironment, ref: string, manifest: DeploymentManifest): Promise<Deployment> {
    const deployment = await this.pending(env, ref);
    // A schedule Temporal would refuse is refused now, before the bundle is uploaded.
    manifest.tasks.forEach((task, index) => {
      if (!task.schedule) return;
      try {
        checkCron(task.schedule.cron, task.schedule.timezone ?? "UTC");
      } catch (error) {
        if (error instanceof ApiError)
          throw new ApiError(400, `metadata.tasks.${index}.schedule (${task.id}): ${error.message}`);
        throw error;
      }
    });
    return this.db.deployment.update({ where: { id: deployment.id }, data: { manifest: manifest as object } });
  }

  async storeBundle(
    env: AuthenticatedEnvironment,
    ref: string,
    bundle: DeploymentBundleFiles,
  ): Promise<{ deployment: Deployment; bytes: number }> {
    const deployment = await this.pending(env, ref);
    const key = bundleObjectKey(env.id, deployment.version);
    const stored = encodeStoredBundle(bundle);
    await this.store.put(key, stored, "application/gzip");
    return {
      deployment: await this.db.deployment.update({ where: { id: deployment.id }, data: { bundleKey: key } }),
      bytes: stored.length,
    };
  }

  /** DEPLOYED, and (unless `promote` is false) the version new runs take. */
  async finalize(
    env: AuthenticatedEnvironment,
    ref: string,
    input: { promote: boolean; imageReference?: string },
  ): Promise<Deployment> {
    const pending = await this.pending(env, ref);
    if (!pending.manifest)
      throw new ApiError(
        409,
        `Deployment ${pending.version} has no manifest yet: POST it to /api/v1/deployments/${pending.id}/background-workers first`,
      );
    if (!pending.bundleKey)
      throw new ApiError(
        409,
        `Deployment ${pending.version} has no bundle yet: PUT it to /api/v1/deployments/${pending.id}/bundle first`,
      );
    // Queues first: once the version is current, its runs find their queues' limits declared.
    if (input.promote) await this.queues.declare(env, manifestOf(pending).queues);
    const [deployed] = await this.db.$transaction([
      this.db.deployment.update({
        where: { id: pending.id },
        data: { status: "DEPLOYED", deployedAt: new Date(), imageReference: input.imageReference },
      }),
      ...(input.promote ? [this.setCurrent(env, pending, pending.createdBy)] : []),
    ]);
    if (input.promote) await this.syncSchedules(env, pending);
    return deployed as Deployment;
  }

  async fail(
    env: AuthenticatedEnvironment,
    ref: string,
    error: { name: string; message: string; stack?: string },
  ): Promise<Deployment> {
    const pending = await this.pending(env, ref);
    return this.db.deployment.update({ where: { id: pending.id }, data: { status: "FAILED", errorData: error } });
  }

  /** Makes an earlier (or the latest) DEPLOYED version current again. */
  async promote(env: AuthenticatedEnvironment, ref: string, by: Actor): Promise<Deployment> {
    refuseDevelopment(env);
    const deployment = await this.get(env, ref);
    if (deployment.status !== "DEPLOYED")
      throw new ApiError(
        409,
        `Deployment ${deployment.version} is ${deployment.status}: only a DEPLOYED version can be promoted`,
      );
    await this.queues.declare(env, manifestOf(deployment).queues);
    await this.setCurrent(env, deployment, by);
    await this.syncSchedules(env, deployment);
    return deployment;
  }

  /** The environment's deployments, newest first, and which one is current. */
  async list(
    env: AuthenticatedEnvironment,
    options: { limit: number; before?: Date },
  ): Promise<{ deployments: Deployment[]; current?: { deploymentId: string; promotedBy: string; updatedAt: Date } }> {
    const [deployments, current] = await Promise.all([
      this.db.deployment.findMany({
        where: { environmentId: env.id, ...(options.before ? { createdAt: { lt: options.before } } : {}) },
        orderBy: { createdAt: "desc" },
        take: options.limit,
      }),
      this.db.currentDeployment.findUnique({ where: { environmentId: env.id } }),
    ]);
    return { deployments, current: current ?? undefined };
  }

  async current(environmentId: string): Promise<Deployment | undefined> {
    const current = await this.db.currentDeployment.findUnique({
      where: { environmentId },
      include: { deployment: true },
    });
    return current?.deployment;
  }

  private async pending(env: AuthenticatedEnvironment, ref: string): Promise<Deployment> {
    const deployment = await this.get(env, ref);
    if (deployment.status !== "PENDING")
      throw new ApiError(
        409,
        `Deployment ${deployment.version} is ${deployment.status}: deploy again for a new version`,
      );
    return deployment;
  }

  /**
   * The current version's declarative schedules become the environment's (those of tasks it no longer schedules go),
   * and every schedule's firings start runs of that version.
   */
  private async syncSchedules(env: AuthenticatedEnvironment, deployment: Deployment): Promise<void> {
    const schedules = declaredSchedules(manifestOf(deployment));
    for (const schedule of schedules) {
      await this.schedules.create(
        env,
        { ...schedule, deduplicationKey: `declarative:${schedule.task}` },
        "DECLARATIVE",
      );
    }
    await this.schedules.removeDeclarativeExcept(
      env,
      schedules.map((schedule) => schedule.task),
    );
    await this.schedules.refreshVersions(env, { type: "IMPERATIVE" });
  }

  private setCurrent(env: AuthenticatedEnvironment, deployment: Deployment, by: Actor) {
    return this.db.currentDeployment.upsert({
      where: { environmentId: env.id },
      create: { environmentId: env.id, deploymentId: deployment.id, promotedBy: by },
      update: { deploymentId: deployment.id, promotedBy: by },
    });
  }
}

function manifestOf(deployment: Deployment): DeploymentManifest {
  return deploymentManifestSchema.parse(deployment.manifest);
}

function refuseDevelopment(env: AuthenticatedEnvironment): void {
  if (env.type === "DEVELOPMENT") {
    throw new ApiError(
      403,
      "Deployments are for staging, production and preview: this is a development secret key (tr_dev_…); development runs on `stint dev`",
    );
  }
}
